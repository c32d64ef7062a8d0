// SPDX-License-Identifier: GPL-3.0-or-later
#include "charts/breakdown_chart_view.h"

#include "models/event_table_model.h"

#include <QComboBox>
#include <QCursor>
#include <QFontInfo>
#include <QFontMetricsF>
#include <QGraphicsLayout>
#include <QGraphicsSimpleTextItem>
#include <QLabel>
#include <QLocale>
#include <QMetaObject>
#include <QToolTip>
#include <QVBoxLayout>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QHorizontalBarSeries>
#include <QtCharts/QLegend>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>

using namespace QtCharts;

namespace weir::ui {

BreakdownChartView::BreakdownChartView(QWidget *parent)
    : QWidget(parent)
    , m_modeBox(new QComboBox(this))
    , m_view(new QChartView(this))
    , m_series(new QHorizontalBarSeries(this))
    , m_set(new QBarSet(tr("events")))
    , m_categories(new QBarCategoryAxis(this))
    , m_values(new QValueAxis(this)) {
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_modeBox->addItem(tr("Status breakdown"), QString());
    for (const char *f : {"status", "level", "source"})
        m_modeBox->addItem(tr("Top %1 %2").arg(kTopN).arg(QLatin1String(f)),
                           QString::fromLatin1(f));
    m_modeBox->setToolTip(tr("Status breakdown of the chart's time range, or the most frequent "
                             "values of a field in the table's visible rows"));
    layout->addWidget(m_modeBox);

    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->hide();
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setBackgroundRoundness(0);
    m_set->setColor(QColor(0x2f, 0x6f, 0xc0));
    m_series->append(m_set);
    m_series->setLabelsVisible(true);
    m_series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    m_set->setLabelColor(palette().color(QPalette::WindowText));
    chart->addSeries(m_series);
    chart->addAxis(m_categories, Qt::AlignLeft);
    chart->addAxis(m_values, Qt::AlignBottom);
    m_series->attachAxis(m_categories);
    m_series->attachAxis(m_values);
    m_values->setLabelFormat(QStringLiteral("%.0f"));
    m_values->setTickCount(3);
    m_values->setVisible(false);           // each bar shows its count
    m_categories->setLabelsVisible(false); // placeLabels() draws them
    connect(chart, &QChart::plotAreaChanged, this, [this] { placeLabels(); });
    m_view->setChart(chart);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumSize(260, 140);
    m_view->setMouseTracking(true);
    // The whole label and count of the bar under the mouse (labels may be cut or elided).
    connect(m_set, &QBarSet::hovered, this, [this](bool on, int index) {
        const int bar = m_bars.size() - 1 - index; // drawn bottom-up
        if (!on || bar < 0 || bar >= m_bars.size()) {
            QToolTip::hideText();
            return;
        }
        // Log data: escaped inside explicit rich text, never interpreted.
        QToolTip::showText(QCursor::pos(),
                           QStringLiteral("<p>%1: %2</p>")
                               .arg(m_bars[bar].first.toHtmlEscaped())
                               .arg(QLocale().toString(m_bars[bar].second, 'f', 0)),
                           m_view);
    });
    layout->addWidget(m_view, 1);

    connect(m_modeBox, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this] {
        if (mode().isEmpty())
            setClassTotals(m_totals);
        else
            recount();
    });
    setClassTotals(m_totals);
}

void BreakdownChartView::resizeEvent(QResizeEvent *event) {
    QWidget::resizeEvent(event);
    layoutLabels();
}

void BreakdownChartView::layoutLabels() {
    // A label column left of the plot, as wide as the longest label up to 40 % of the view.
    const QFontMetricsF fm(font());
    double widest = 0;
    for (const auto &bar : m_bars)
        widest = std::max(widest, fm.horizontalAdvance(bar.first));
    m_labelWidth = std::min(widest, 0.4 * m_view->width());
    const int left = static_cast<int>(std::ceil(m_labelWidth)) + 8;
    if (m_view->chart()->margins().left() != left)
        m_view->chart()->setMargins(QMargins(left, 2, 2, 2)); // plotAreaChanged: placeLabels
    placeLabels();
}

void BreakdownChartView::placeLabels() {
    // Labels are drawn here, not by the category axis: QtCharts elides an axis label to "..."
    // unless the chart is ~30 px per bar high. Plain-text items: log data is never markup.
    QChart *chart = m_view->chart();
    const QRectF plot = chart->plotArea();
    const int n = static_cast<int>(m_bars.size());
    while (static_cast<int>(m_labelItems.size()) < n) {
        auto *item = new QGraphicsSimpleTextItem(chart); // owned by the chart
        item->setBrush(palette().color(QPalette::WindowText));
        m_labelItems.push_back(item);
    }
    const double band = n > 0 ? plot.height() / n : 0;
    QFont font = this->font();
    QFontMetricsF fm(font);
    if (band > 0 && fm.height() > band) { // crowded: smaller, down to 8 px
        font.setPixelSize(
            std::max(8, static_cast<int>(QFontInfo(font).pixelSize() * band / fm.height())));
        fm = QFontMetricsF(font);
    }
    double lastBottom = plot.top() - 1e6;
    for (int i = 0; i < static_cast<int>(m_labelItems.size()); ++i) {
        QGraphicsSimpleTextItem *item = m_labelItems[static_cast<size_t>(i)];
        if (i >= n || plot.height() <= 0) {
            item->hide();
            continue;
        }
        item->setFont(font);
        item->setText(fm.elidedText(m_bars[i].first, Qt::ElideRight, m_labelWidth));
        const QRectF r = item->boundingRect();
        const double top = plot.top() + band * (i + 0.5) - r.height() / 2; // largest on top
        if (top < lastBottom) { // no room: the bar's tooltip has it
            item->hide();
            continue;
        }
        item->setPos(plot.left() - 6 - r.width(), top);
        item->show();
        lastBottom = top + r.height();
    }
}

QList<QRectF> BreakdownChartView::shownLabelRects() const {
    QList<QRectF> out;
    for (const QGraphicsSimpleTextItem *item : m_labelItems) {
        if (item->isVisible())
            out << item->mapRectToParent(item->boundingRect());
    }
    return out;
}

QStringList BreakdownChartView::shownLabels() const {
    QStringList out;
    for (const QGraphicsSimpleTextItem *item : m_labelItems) {
        if (item->isVisible())
            out << item->text();
    }
    return out;
}

BreakdownChartView::~BreakdownChartView() {
    stopCounting();
}

QString BreakdownChartView::mode() const {
    return m_modeBox->currentData().toString();
}

void BreakdownChartView::setMode(const QString &field) {
    int i = m_modeBox->findData(field);
    if (i < 0) {
        setFieldNames({field});
        i = m_modeBox->findData(field);
    }
    m_modeBox->setCurrentIndex(i);
}

void BreakdownChartView::setFieldNames(const QStringList &names) {
    for (const QString &n : names) {
        if (m_modeBox->findData(n) < 0)
            m_modeBox->addItem(tr("Top %1 %2").arg(kTopN).arg(n), n);
    }
}

QList<QPair<QString, double>> BreakdownChartView::bars() const {
    return m_bars;
}

void BreakdownChartView::showBars(const QList<QPair<QString, double>> &bars, const QString &title) {
    m_bars = bars;
    // Horizontal bars are drawn bottom-up: the first (largest) goes last.
    QStringList labels;
    QList<qreal> values;
    double top = 0;
    for (int i = bars.size() - 1; i >= 0; --i) {
        QString label = bars[i].first;
        if (label.size() > kMaxLabelChars)
            label = label.left(kMaxLabelChars - 1) + QChar(0x2026);
        labels << label.toHtmlEscaped(); // axis labels are rich text
        values << bars[i].second;
        top = std::max(top, bars[i].second);
    }
    m_set->remove(0, m_set->count());
    m_categories->clear();
    if (labels.isEmpty()) {
        labels << QStringLiteral("-");
        values << 0;
    }
    m_categories->append(labels);
    m_set->append(values);
    m_values->setRange(0, std::max(1.0, top * 1.3)); // room for the value labels
    m_view->chart()->setTitle(title.toHtmlEscaped());
    layoutLabels();
    Q_EMIT barsChanged();
}

void BreakdownChartView::setClassTotals(
    const std::array<uint64_t, engine::RateTimeline::kClasses> &totals) {
    m_totals = totals;
    if (!mode().isEmpty())
        return;
    QList<QPair<QString, double>> bars;
    for (size_t cls = 0; cls < totals.size(); ++cls) {
        if (totals[cls] == 0)
            continue;
        const std::string_view name = engine::RateTimeline::className(cls);
        bars.append({QString::fromLatin1(name.data(), static_cast<int>(name.size())),
                     static_cast<double>(totals[cls])});
    }
    std::stable_sort(bars.begin(), bars.end(),
                     [](const auto &a, const auto &b) { return a.second > b.second; });
    showBars(bars, tr("Events by class (chart range)"));
}

void BreakdownChartView::setRows(std::shared_ptr<const engine::Snapshot> snapshot,
                                 std::shared_ptr<const query::VisibleRows> rows) {
    m_snapshot = std::move(snapshot);
    m_rows = std::move(rows);
    if (!mode().isEmpty())
        recount();
}

void BreakdownChartView::stopCounting() {
    m_cancel = true;
    if (m_thread.joinable())
        m_thread.join();
    m_cancel = false;
}

void BreakdownChartView::recount() {
    if (!m_snapshot || !m_rows || mode().isEmpty())
        return;
    if (m_thread.joinable() && !m_resultReady) {
        m_recountWanted = true; // one at a time; the newest request runs next
        return;
    }
    stopCounting();
    m_resultReady = false;
    m_recountWanted = false;
    m_countedField = mode();
    auto snapshot = m_snapshot;
    auto rows = m_rows;
    const std::string field = m_countedField.toStdString();
    m_thread = std::thread([this, snapshot, rows, field] {
        const query::SourceCatalog catalog = catalogOf(*snapshot);
        m_result = series::topValues(snapshot->events, catalog, *rows, field, kTopN,
                                     kMaxRowsCounted, &m_cancel);
        m_resultReady.store(true, std::memory_order_release);
        QMetaObject::invokeMethod(
            this, [this] { collect(); }, Qt::QueuedConnection);
    });
}

void BreakdownChartView::collect() {
    if (!m_resultReady.load(std::memory_order_acquire) || !m_thread.joinable())
        return;
    m_thread.join();
    const series::TopValues result = std::move(m_result);
    if (!result.cancelled && m_countedField == mode()) {
        QList<QPair<QString, double>> bars;
        for (const auto &v : result.top)
            bars.append({QString::fromStdString(v.value), static_cast<double>(v.count)});
        showBars(bars, tr("Top %1 of %2 rows").arg(m_countedField).arg(result.scanned));
    }
    if (m_recountWanted)
        recount();
}

} // namespace weir::ui
