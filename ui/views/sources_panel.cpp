// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/sources_panel.h"

#include "views/sources_model.h"

#include <QAction>
#include <QDockWidget>
#include <QHeaderView>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace weir::ui {

SourcesPanel::SourcesPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new SourcesModel(this))
    , m_view(new QTreeView(this))
    , m_addKafka(new QAction(tr("Add &Kafka source…"), this))
    , m_addMqtt(new QAction(tr("Add &MQTT source…"), this))
    , m_connect(new QAction(tr("&Connect"), this))
    , m_disconnect(new QAction(tr("&Disconnect"), this)) {
    m_view->setModel(m_model);
    m_view->setObjectName(QStringLiteral("sourcesView"));
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setItemsExpandable(true);
    m_view->header()->setStretchLastSection(true);
    m_view->setColumnWidth(SourcesModel::NameColumn, 260);
    m_connect->setToolTip(tr("Connect the selected source again"));
    m_disconnect->setToolTip(tr("Disconnect the selected source (its data stays)"));

    auto *bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(m_addKafka);
    bar->addAction(m_addMqtt);
    bar->addSeparator();
    bar->addAction(m_connect);
    bar->addAction(m_disconnect);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(bar);
    layout->addWidget(m_view);

    connect(m_addKafka, &QAction::triggered, this, &SourcesPanel::addKafkaRequested);
    connect(m_addMqtt, &QAction::triggered, this, &SourcesPanel::addMqttRequested);
    connect(m_connect, &QAction::triggered, this, [this] {
        const engine::SourceStatus *s = m_model->sourceAt(selectedSourceRow());
        if (s && s->metrics.switchId != 0)
            Q_EMIT connectRequested(s->metrics.switchId);
    });
    connect(m_disconnect, &QAction::triggered, this, [this] {
        const engine::SourceStatus *s = m_model->sourceAt(selectedSourceRow());
        if (s && s->metrics.switchId != 0)
            Q_EMIT disconnectRequested(s->metrics.switchId);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &SourcesPanel::updateActions);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_view->expandAll(); // partitions are few
        updateActions();
    });
    updateActions();
}

QSize SourcesPanel::sizeHint() const {
    const auto *bar = findChild<QToolBar *>();
    const int row = m_view->fontMetrics().height() + 6;
    const int height = (bar ? bar->sizeHint().height() : 0) +
                       m_view->header()->sizeHint().height() + 4 * row + 2 * m_view->frameWidth();
    return {QWidget::sizeHint().width(), height};
}

void SourcesPanel::setSnapshot(std::shared_ptr<const engine::Snapshot> snapshot) {
    m_model->setSnapshot(std::move(snapshot));
    updateActions();
}

int SourcesPanel::selectedSourceRow() const {
    QModelIndex i = m_view->currentIndex();
    if (!i.isValid())
        return -1;
    while (i.parent().isValid())
        i = i.parent();
    return i.row();
}

bool SourcesPanel::selectSource(SourceId firstChannel) {
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const engine::SourceStatus *s = m_model->sourceAt(row);
        if (s && s->firstChannel == firstChannel) {
            m_view->setCurrentIndex(m_model->index(row, 0));
            updateActions();
            return true;
        }
    }
    return false;
}

void SourcesPanel::updateActions() {
    const engine::SourceStatus *s = m_model->sourceAt(selectedSourceRow());
    const bool switchable = s && s->metrics.switchId != 0;
    const bool stopped = s && s->metrics.state == source::SourceState::Stopped;
    m_connect->setEnabled(switchable && stopped);
    m_disconnect->setEnabled(switchable && !stopped);
}

SourcesPanel *SourcesPanel::install(QMainWindow *window) {
    auto *panel = new SourcesPanel;
    auto *dock = new QDockWidget(tr("Sources"), window);
    dock->setObjectName(QStringLiteral("sourcesDock"));
    dock->setWidget(panel);
    window->addDockWidget(Qt::BottomDockWidgetArea, dock);
    auto *menu = new QMenu(tr("&Sources"), window);
    menu->addAction(panel->addKafkaAction());
    menu->addAction(panel->addMqttAction());
    menu->addSeparator();
    menu->addAction(dock->toggleViewAction());
    QMenuBar *bar = window->menuBar();
    const QList<QAction *> menus = bar->actions();
    if (menus.isEmpty())
        bar->addMenu(menu);
    else
        bar->insertMenu(menus.last(), menu); // before Help
    return panel;
}

} // namespace weir::ui
