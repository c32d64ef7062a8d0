// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/engine/engine.h"
#include "weir/source/kafka_source.h"
#include "weir/source/mqtt_source.h"

#include <QObject>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

class QMainWindow;
class QThread;

namespace weir::source {
class SwitchableSource;
}
namespace weir::ui {
class SourcesPanel;
}

namespace weir::app {

// Wires the Sources panel and the Kafka/MQTT dialogs to the pipeline. A source added from a
// dialog goes through the controller's own input path (`add`: GuiController::addSource, which
// recreates inputs from their factories whenever the pipeline restarts) wrapped by
// switchable(): each source it makes is a SwitchableSource, registered here by its id, so the
// panel's Disconnect/Connect act on it. The engine owns the sources through a SharedSource;
// this object keeps weak references only. Disconnecting joins the source's thread, which can
// take a moment (Kafka leaves its group): it runs on a worker thread holding a strong
// reference, never on the GUI thread. GUI thread only.
class SourceControls final : public QObject {
    Q_OBJECT

public:
    using SourceFactory = std::function<std::unique_ptr<source::Source>()>;
    using AddSource = std::function<void(SourceFactory make, const std::string &title)>;

    SourceControls(QMainWindow *window, AddSource add, QObject *parent = nullptr);
    // Waits for disconnections under way.
    ~SourceControls() override;

    // Adds a live source from a dialog's (or anyone's) settings, switchable.
    void addKafka(source::KafkaSource::Options options);
    void addMqtt(source::MqttSource::Options options);
    // Wraps a live source's factory so that what it makes can be disconnected and connected
    // from the panel (files must not be wrapped: they would no longer end).
    SourceFactory switchable(SourceFactory make);

    // Feeds the panel (cheap when the version did not change).
    void applySnapshot(const std::shared_ptr<const engine::Snapshot> &snapshot);

    ui::SourcesPanel *panel() const { return m_panel; }
    // The dialog opened last by openKafkaDialog/openMqttDialog, while it is open (tests).
    QObject *openDialog() const { return m_dialog; }
    void openKafkaDialog();
    void openMqttDialog();
    // Disconnects (on a worker thread) or connects the source with this switch id; false if
    // it is gone (its engine stopped) or already in that state.
    bool disconnectSource(quint64 switchId);
    bool connectSource(quint64 switchId);
    // Waits (bounded by the sources' own stop) for every disconnection under way.
    void waitIdle();

Q_SIGNALS:
    // A live source was added by addKafka/addMqtt (a dialog), with its settings as given (a
    // Kafka source without a group gets its private one afterwards), so that a workspace can
    // record it. The options hold the secrets given: receivers keep them out of files. Direct
    // connections.
    void kafkaSourceAdded(const weir::source::KafkaSource::Options &options);
    void mqttSourceAdded(const weir::source::MqttSource::Options &options);

private:
    std::shared_ptr<source::SwitchableSource> find(quint64 switchId);

    QMainWindow *m_window;
    AddSource m_add;
    ui::SourcesPanel *m_panel;
    // Every switchable source made, by id; shared with the factories (GUI thread).
    std::shared_ptr<std::map<quint64, std::weak_ptr<source::SwitchableSource>>> m_registry;
    std::vector<QThread *> m_disconnecting; // worker threads not yet reaped
    QObject *m_dialog = nullptr;
};

} // namespace weir::app
