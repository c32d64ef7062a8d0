// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/window_results_panel.h"

#include "charts/window_chart_view.h"
#include "views/window_results_model.h"
#include "weir/common/time_util.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace weir::ui {

WindowResultsPanel::WindowResultsPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new WindowResultsModel(this))
    , m_chart(new WindowChartView(this))
    , m_table(new QTableView(this))
    , m_pipeline(new QComboBox(this))
    , m_aggregate(new QComboBox(this))
    , m_topKeys(new QSpinBox(this))
    , m_summary(new QLabel(this)) {
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setDefaultSectionSize(110);

    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setText(tr("No window pipeline: use Configure… or weir --window"));
    m_topKeys->setRange(1, 50);
    m_topKeys->setValue(WindowChartView::kDefaultTopKeys);
    m_topKeys->setPrefix(tr("top "));
    m_topKeys->setSuffix(tr(" keys"));
    auto *configure = new QPushButton(tr("Configure…"), this);
    configure->setToolTip(tr("Edit the window pipeline shown"));
    auto *add = new QPushButton(tr("Add…"), this);
    add->setToolTip(tr("Add another window pipeline"));

    m_pipeline->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_pipeline->setToolTip(tr("Window pipeline shown"));
    m_pipeline->setEnabled(false);
    auto *controls = new QHBoxLayout();
    controls->addWidget(m_pipeline);
    auto *chartLabel = new QLabel(tr("Chart:"), this);
    chartLabel->setTextFormat(Qt::PlainText);
    controls->addWidget(chartLabel);
    controls->addWidget(m_aggregate);
    controls->addWidget(m_topKeys);
    controls->addStretch(1);
    controls->addWidget(configure);
    controls->addWidget(add);
    // The summary may be longer than the dock is wide: it is clipped, never widens the dock.
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_chart);
    split->addWidget(m_table);
    split->setSizes({200, 160});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(controls);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);

    connect(m_pipeline, QOverload<int>::of(&QComboBox::currentIndexChanged), this,
            &WindowResultsPanel::setPipeline);
    connect(m_aggregate, QOverload<int>::of(&QComboBox::currentIndexChanged), m_chart,
            [this](int i) { m_chart->setAggregate(std::max(0, i)); });
    connect(m_topKeys, QOverload<int>::of(&QSpinBox::valueChanged), m_chart,
            &WindowChartView::setTopKeys);
    connect(configure, &QPushButton::clicked, this,
            [this] { Q_EMIT configureRequested(m_pipelineNames.isEmpty() ? -1 : pipeline()); });
    connect(add, &QPushButton::clicked, this, [this] { Q_EMIT configureRequested(-1); });
}

int WindowResultsPanel::pipeline() const {
    return static_cast<size_t>(m_pipelineIndex) < m_windows.size() ? m_pipelineIndex : 0;
}

void WindowResultsPanel::applySnapshot(const engine::Snapshot &snapshot) {
    m_windows = snapshot.windows;
    updatePipelineBox(snapshot);
    showResults(m_windows.empty() ? nullptr : m_windows[static_cast<size_t>(pipeline())]);
}

void WindowResultsPanel::setPipeline(int index) {
    if (index < 0)
        return;
    m_pipelineIndex = index;
    if (static_cast<size_t>(index) >= m_windows.size())
        return; // shown once a snapshot has that many pipelines
    if (m_pipeline->currentIndex() != index) {
        const QSignalBlocker block(m_pipeline);
        m_pipeline->setCurrentIndex(index);
    }
    showResults(m_windows[static_cast<size_t>(index)]);
}

void WindowResultsPanel::updatePipelineBox(const engine::Snapshot &snapshot) {
    QStringList names;
    for (size_t i = 0; i < snapshot.windows.size(); ++i) {
        const QString name = QString::fromStdString(snapshot.windows[i]->name);
        names << tr("%1: %2").arg(i + 1).arg(name); // QComboBox shows plain text
    }
    if (names == m_pipelineNames)
        return;
    m_pipelineNames = names;
    const QSignalBlocker block(m_pipeline);
    m_pipeline->clear();
    m_pipeline->addItems(names);
    m_pipeline->setCurrentIndex(names.isEmpty() ? -1 : pipeline());
    m_pipeline->setEnabled(names.size() > 1);
}

void WindowResultsPanel::showResults(std::shared_ptr<const window::WindowResults> results) {
    if (results.get() == m_model->results())
        return;
    const bool hadResults = m_model->results() != nullptr;
    m_model->setResults(results);
    if (!hadResults && results) {
        const int timeWidth =
            m_table->fontMetrics().horizontalAdvance(QStringLiteral("2021-11-22T10:17:00.000Z")) +
            16;
        m_table->setColumnWidth(WindowResultsModel::StartColumn, timeWidth);
        m_table->setColumnWidth(WindowResultsModel::EndColumn, timeWidth);
        m_table->setColumnWidth(WindowResultsModel::PaneColumn, 80);
        m_table->setColumnWidth(WindowResultsModel::IndexColumn, 40);
        m_table->setColumnWidth(WindowResultsModel::FinalColumn, 50);
    }
    updateAggregateBox();
    m_chart->setResults(results);
    m_summary->setText(summaryText());
}

void WindowResultsPanel::updateAggregateBox() {
    QStringList names;
    if (const window::WindowResults *r = m_model->results()) {
        for (const auto &a : r->aggregates)
            names << QString::fromStdString(a);
    }
    if (names == m_aggregateNames)
        return;
    m_aggregateNames = names;
    const QSignalBlocker block(m_aggregate);
    m_aggregate->clear();
    m_aggregate->addItems(names); // QComboBox shows plain text
    m_aggregate->setCurrentIndex(names.isEmpty() ? -1 : 0);
    m_chart->setAggregate(0);
}

void WindowResultsPanel::markWindow(TimestampNs start, TimestampNs end) {
    m_chart->setMarkedWindow(start, end);
}

QString WindowResultsPanel::summaryText() const {
    const window::WindowResults *r = m_model->results();
    if (!r)
        return tr("No window pipeline: use Configure… or weir --window");
    QString wm;
    if (r->watermark == kMinTimestamp)
        wm = tr("none yet");
    else if (r->watermark == kMaxTimestamp)
        wm = tr("end of input");
    else
        wm = QString::fromStdString(formatRfc3339Ms(r->watermark));
    return tr("%1 · watermark %2 · %3 windows final · %4 late updates · %5 dropped late")
        .arg(QString::fromStdString(r->name), wm)
        .arg(r->stats.windows)
        .arg(r->stats.lateUpdates)
        .arg(r->stats.lateDropped);
}

} // namespace weir::ui
