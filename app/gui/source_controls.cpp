// SPDX-License-Identifier: GPL-3.0-or-later
#include "source_controls.h"

#include "dialogs/kafka_source_dialog.h"
#include "dialogs/mqtt_source_dialog.h"
#include "views/sources_panel.h"
#include "weir/source/switchable_source.h"

#include <QMainWindow>
#include <QThread>
#include <algorithm>

namespace weir::app {

SourceControls::SourceControls(QMainWindow *window, AddSource add, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_add(std::move(add))
    , m_panel(ui::SourcesPanel::install(window))
    , m_registry(std::make_shared<std::map<quint64, std::weak_ptr<source::SwitchableSource>>>()) {
    connect(m_panel, &ui::SourcesPanel::addKafkaRequested, this, &SourceControls::openKafkaDialog);
    connect(m_panel, &ui::SourcesPanel::addMqttRequested, this, &SourceControls::openMqttDialog);
    connect(m_panel, &ui::SourcesPanel::disconnectRequested, this,
            &SourceControls::disconnectSource);
    connect(m_panel, &ui::SourcesPanel::connectRequested, this, &SourceControls::connectSource);
}

SourceControls::~SourceControls() {
    waitIdle();
}

void SourceControls::openKafkaDialog() {
    auto *dialog = new ui::KafkaSourceDialog(m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { addKafka(dialog->options()); });
    m_dialog = dialog;
    dialog->open();
}

void SourceControls::openMqttDialog() {
    auto *dialog = new ui::MqttSourceDialog(m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { addMqtt(dialog->options()); });
    m_dialog = dialog;
    dialog->open();
}

SourceControls::SourceFactory SourceControls::switchable(SourceFactory make) {
    auto registry = m_registry;
    return [registry, make = std::move(make)]() -> std::unique_ptr<source::Source> {
        auto sw = std::make_shared<source::SwitchableSource>(make);
        // Forget the sources of engines gone, then remember this one.
        for (auto it = registry->begin(); it != registry->end();)
            it = it->second.expired() ? registry->erase(it) : std::next(it);
        (*registry)[sw->id()] = sw;
        return std::make_unique<source::SharedSource>(std::move(sw));
    };
}

void SourceControls::addKafka(source::KafkaSource::Options options) {
    // As given (a workspace keeps no private group: reopened, it starts where "from" says).
    Q_EMIT kafkaSourceAdded(options);
    // One consumer group for every reconnection and restart: Connect resumes after the
    // committed offsets.
    if (options.groupId.empty() && options.startAt != source::KafkaSource::StartAt::Offsets)
        options.groupId = source::KafkaSource::privateGroupId();
    const std::string title = "kafka " + options.brokers;
    m_add(switchable([options]() -> std::unique_ptr<source::Source> {
              return std::make_unique<source::KafkaSource>(options);
          }),
          title);
}

void SourceControls::addMqtt(source::MqttSource::Options options) {
    const std::string title = "mqtt " + options.host + ":" + std::to_string(options.port);
    m_add(switchable([options]() -> std::unique_ptr<source::Source> {
              return std::make_unique<source::MqttSource>(options);
          }),
          title);
    Q_EMIT mqttSourceAdded(options);
}

std::shared_ptr<source::SwitchableSource> SourceControls::find(quint64 switchId) {
    const auto it = m_registry->find(switchId);
    return it == m_registry->end() ? nullptr : it->second.lock();
}

bool SourceControls::disconnectSource(quint64 switchId) {
    std::shared_ptr<source::SwitchableSource> sw = find(switchId);
    if (!sw || !sw->isConnected())
        return false;
    QThread *worker = QThread::create([sw] { sw->disconnect(); });
    worker->setObjectName(QStringLiteral("weir-disconnect"));
    m_disconnecting.push_back(worker);
    connect(worker, &QThread::finished, this, [this, worker] {
        // Queued: waitIdle() may have reaped it meanwhile.
        const auto it = std::find(m_disconnecting.begin(), m_disconnecting.end(), worker);
        if (it == m_disconnecting.end())
            return;
        m_disconnecting.erase(it);
        worker->wait();
        delete worker;
    });
    worker->start();
    return true;
}

bool SourceControls::connectSource(quint64 switchId) {
    std::shared_ptr<source::SwitchableSource> sw = find(switchId);
    return sw && sw->connect();
}

void SourceControls::applySnapshot(const std::shared_ptr<const engine::Snapshot> &snapshot) {
    m_panel->setSnapshot(snapshot);
}

void SourceControls::waitIdle() {
    for (QThread *t : m_disconnecting) {
        t->wait(); // bounded: stopping a source is
        delete t;
    }
    m_disconnecting.clear();
}

} // namespace weir::app
