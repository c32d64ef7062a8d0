// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "weir/common/types.h"
#include "weir/engine/engine.h"

#include <QWidget>
#include <memory>

class QAction;
class QDockWidget;
class QMainWindow;
class QTreeView;

namespace weir::ui {

class SourcesModel;

// The Sources panel: every input with its state, message rate, lag in messages and in time,
// drops, errors, status and last error, and each Kafka partition under its source; buttons to
// add a Kafka or MQTT source and to disconnect / connect the selected live source (one made
// switchable: source::SwitchableSource). It only shows snapshots and emits requests: whoever
// owns the engine acts on them. GUI thread only.
class SourcesPanel final : public QWidget {
    Q_OBJECT

public:
    explicit SourcesPanel(QWidget *parent = nullptr);
    // Room for the tool bar, the header and about four rows: a dock starts this small.
    QSize sizeHint() const override;

    // Connect/Disconnect apply to sources whose metrics carry a switchId (SwitchableSource).
    void setSnapshot(std::shared_ptr<const engine::Snapshot> snapshot);

    SourcesModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    QAction *addKafkaAction() const { return m_addKafka; }
    QAction *addMqttAction() const { return m_addMqtt; }
    QAction *connectAction() const { return m_connect; }
    QAction *disconnectAction() const { return m_disconnect; }
    // Selects the source row whose first channel is `firstChannel`; false if none.
    bool selectSource(SourceId firstChannel);

    // Adds the panel as a "Sources" dock of `window` (shown), with a Sources menu (add
    // sources, show the panel) before the window's last menu.
    static SourcesPanel *install(QMainWindow *window);

Q_SIGNALS:
    void addKafkaRequested();
    void addMqttRequested();
    // The selected source's SourceMetrics::switchId.
    void connectRequested(quint64 switchId);
    void disconnectRequested(quint64 switchId);

private:
    void updateActions();
    int selectedSourceRow() const;

    SourcesModel *m_model;
    QTreeView *m_view;
    QAction *m_addKafka;
    QAction *m_addMqtt;
    QAction *m_connect;
    QAction *m_disconnect;
};

} // namespace weir::ui
