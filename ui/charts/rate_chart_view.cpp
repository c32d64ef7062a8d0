// SPDX-License-Identifier: GPL-3.0-or-later
#include "charts/rate_chart_view.h"

#include "weir/series/decimate.h"

#include <QDateTime>
#include <QGraphicsLayout>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QPen>
#include <QWheelEvent>
#include <QtCharts/QAreaSeries>
#include <QtCharts/QChart>
#include <QtCharts/QDateTimeAxis>
#include <QtCharts/QLegend>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>

using namespace QtCharts;

namespace weir::ui {

namespace {

QColor classColor(size_t cls) {
    switch (cls) {
    case 0: // 1xx
        return QColor(0x80, 0x80, 0x80);
    case 1: // 2xx
        return QColor(0x2e, 0x9d, 0x4a);
    case 2: // 3xx
        return QColor(0x2f, 0x6f, 0xc0);
    case 3: // 4xx
        return QColor(0xe0, 0x8a, 0x00);
    case 4: // 5xx
        return QColor(0xc8, 0x1e, 0x1e);
    default:
        break;
    }
    const auto s = static_cast<Severity>(cls - 5);
    if (s >= Severity::Error)
        return QColor(0xa0, 0x10, 0x50);
    if (s == Severity::Warning)
        return QColor(0xb0, 0x70, 0x20);
    if (s == Severity::Unknown)
        return QColor(0x6a, 0x5a, 0xcd);
    return QColor(0x30, 0x90, 0xa0);
}

const QColor kMarkerColor(0xd0, 0x00, 0xd0);

} // namespace

RateChartView::RateChartView(QWidget *parent)
    : QChartView(parent) {
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTitle(tr("Events per second"));
    chart->legend()->setAlignment(Qt::AlignRight);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setBackgroundRoundness(0);

    m_timeAxis = new QDateTimeAxis;
    m_timeAxis->setFormat(QStringLiteral("hh:mm:ss"));
    m_timeAxis->setTickCount(7);
    m_timeAxis->setTitleText(tr("UTC"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(now - kMinSpanNs / kNsPerMs),
                         QDateTime::fromMSecsSinceEpoch(now));
    chart->addAxis(m_timeAxis, Qt::AlignBottom);

    m_rateAxis = new QValueAxis;
    m_rateAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_rateAxis->setRange(0, 10);
    m_rateAxis->setTickCount(5);
    m_rateAxis->setTitleText(tr("events/s"));
    chart->addAxis(m_rateAxis, Qt::AlignLeft);

    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(160);
    setRubberBand(QChartView::NoRubberBand);
    setFocusPolicy(Qt::ClickFocus);
    setToolTip(tr("Drag: filter the table to a time range; click: clear it\n"
                  "Wheel: zoom; Shift+drag: pan (both pause following)"));

    m_rangeItem = new QGraphicsRectItem;
    m_rangeItem->setPen(QPen(QColor(40, 90, 200, 160), 1));
    m_rangeItem->setBrush(QColor(40, 90, 200, 50));
    m_rangeItem->setZValue(20);
    m_rangeItem->hide();
    scene()->addItem(m_rangeItem);
    m_evidenceItem = new QGraphicsRectItem;
    m_evidenceItem->setPen(QPen(QColor(230, 150, 0, 200), 1));
    m_evidenceItem->setBrush(QColor(255, 190, 0, 70));
    m_evidenceItem->setZValue(19);
    m_evidenceItem->hide();
    scene()->addItem(m_evidenceItem);
    m_markerItem = new QGraphicsLineItem;
    QPen markerPen(kMarkerColor);
    markerPen.setWidth(2);
    markerPen.setCosmetic(true);
    m_markerItem->setPen(markerPen);
    m_markerItem->setZValue(21);
    m_markerItem->hide();
    scene()->addItem(m_markerItem);
    connect(chart, &QChart::plotAreaChanged, this, [this] { updateOverlays(); });
    connect(m_timeAxis, &QDateTimeAxis::rangeChanged, this, [this] { updateOverlays(); });
}

qint64 RateChartView::shiftMs() const {
    // QDateTimeAxis labels in local time; shifting by the local UTC offset makes them read
    // UTC, like the table.
    return qint64{QDateTime::currentDateTime().offsetFromUtc()} * 1000;
}

double RateChartView::timeToX(TimestampNs t) const {
    const QPointF scenePos =
        chart()->mapToPosition(QPointF(static_cast<double>(t.value / kNsPerMs + shiftMs()), 0));
    return mapFromScene(scenePos).x();
}

TimestampNs RateChartView::xToTime(double x) const {
    const QPointF scenePos = mapToScene(QPoint(static_cast<int>(x), height() / 2));
    const double ms = chart()->mapToValue(scenePos).x() - static_cast<double>(shiftMs());
    return TimestampNs{static_cast<int64_t>(ms * static_cast<double>(kNsPerMs))};
}

QLineSeries *RateChartView::seriesFor(size_t cls) {
    if (m_series[cls])
        return m_series[cls];
    auto *s = new QLineSeries(this);
    const std::string_view name = engine::RateTimeline::className(cls);
    s->setName(QString::fromLatin1(name.data(), static_cast<int>(name.size())));
    QPen pen(classColor(cls));
    pen.setWidthF(1.8);
    s->setPen(pen);
    m_series[cls] = s;
    rebuildChartSeries();
    return s;
}

void RateChartView::rebuildChartSeries() {
    // Take every series out and put them back in class order (legend and stacking order).
    for (size_t cls = 0; cls < m_series.size(); ++cls) {
        if (m_areas[cls] && m_areas[cls]->chart()) {
            chart()->removeSeries(m_areas[cls]);
            m_areas[cls]->setParent(this);
        }
        if (m_series[cls] && m_series[cls]->chart()) {
            chart()->removeSeries(m_series[cls]);
            m_series[cls]->setParent(this);
        }
    }
    for (size_t cls = 0; cls < m_series.size(); ++cls) {
        if (!m_series[cls])
            continue;
        QAbstractSeries *shown = m_series[cls];
        if (m_stacked) {
            if (!m_areas[cls]) {
                m_lower[cls] = new QLineSeries(this);
                m_areas[cls] = new QAreaSeries(m_series[cls], m_lower[cls]);
                m_areas[cls]->setParent(this);
                m_areas[cls]->setName(m_series[cls]->name());
                QColor fill = classColor(cls);
                m_areas[cls]->setPen(QPen(fill.darker(120), 1));
                fill.setAlpha(200);
                m_areas[cls]->setBrush(fill);
            }
            shown = m_areas[cls];
        }
        chart()->addSeries(shown);
        shown->attachAxis(m_timeAxis);
        shown->attachAxis(m_rateAxis);
    }
}

bool RateChartView::openGlAvailable() {
    // The offscreen and minimal platforms have no windows to draw GL into.
    const QString platform = QGuiApplication::platformName();
    if (platform == QLatin1String("offscreen") || platform == QLatin1String("minimal"))
        return false;
    QOpenGLContext context;
    if (!context.create())
        return false;
    QOffscreenSurface surface;
    surface.create();
    const bool ok = surface.isValid() && context.makeCurrent(&surface);
    if (ok)
        context.doneCurrent();
    return ok;
}

void RateChartView::setOpenGlAllowed(bool allowed) {
    if (allowed == m_openGl)
        return;
    m_openGl = allowed;
    if (!allowed) {
        for (QLineSeries *s : m_series) {
            if (s && s->useOpenGL())
                s->setUseOpenGL(false);
        }
    }
    redraw();
}

void RateChartView::clearSeries() {
    for (size_t cls = 0; cls < m_series.size(); ++cls) {
        if (m_areas[cls] && m_areas[cls]->chart())
            chart()->removeSeries(m_areas[cls]);
        if (m_series[cls] && m_series[cls]->chart())
            chart()->removeSeries(m_series[cls]);
        delete m_areas[cls]; // before the line series it draws between
        delete m_lower[cls];
        delete m_series[cls];
        m_areas[cls] = nullptr;
        m_lower[cls] = nullptr;
        m_series[cls] = nullptr;
    }
    m_maxSeriesPoints = 0;
}

void RateChartView::setStacked(bool stacked) {
    if (stacked == m_stacked)
        return;
    m_stacked = stacked;
    for (QLineSeries *s : m_series) {
        if (s && s->useOpenGL())
            s->setUseOpenGL(false); // the areas draw them
    }
    rebuildChartSeries();
    redraw();
}

void RateChartView::setPaused(bool paused) {
    if (paused == m_paused)
        return;
    m_paused = paused;
    if (!paused)
        redraw();
    Q_EMIT pausedChanged(paused);
}

void RateChartView::zoomTime(double factor, double centerMs) {
    const double lo = static_cast<double>(m_timeAxis->min().toMSecsSinceEpoch());
    const double hi = static_cast<double>(m_timeAxis->max().toMSecsSinceEpoch());
    const double newLo = centerMs - (centerMs - lo) * factor;
    const double newHi = centerMs + (hi - centerMs) * factor;
    if (newHi - newLo < 1000) // a second at least
        return;
    setPaused(true);
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(newLo)),
                         QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(newHi)));
    redraw();
}

void RateChartView::panTime(double deltaMs) {
    setPaused(true);
    const qint64 d = static_cast<qint64>(deltaMs);
    m_timeAxis->setRange(m_timeAxis->min().addMSecs(d), m_timeAxis->max().addMSecs(d));
    redraw();
}

void RateChartView::setEvidenceWindow(TimestampNs from, TimestampNs to) {
    m_evidenceFrom = from;
    m_evidenceTo = to;
    if (hasEvidenceWindow()) {
        const qint64 lo = from.value / kNsPerMs + shiftMs();
        const qint64 hi = to.value / kNsPerMs + shiftMs();
        const qint64 axisLo = m_timeAxis->min().toMSecsSinceEpoch();
        const qint64 axisHi = m_timeAxis->max().toMSecsSinceEpoch();
        if (lo < axisLo || hi > axisHi) {
            const qint64 span = std::max(axisHi - axisLo, 3 * (hi - lo));
            const qint64 mid = lo + (hi - lo) / 2;
            setPaused(true);
            m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(mid - span / 2),
                                 QDateTime::fromMSecsSinceEpoch(mid + span - span / 2));
            redraw();
        }
    }
    updateOverlays();
}

QRectF RateChartView::evidenceBandRect() const {
    if (!m_evidenceItem->isVisible())
        return {};
    return mapFromScene(m_evidenceItem->sceneBoundingRect()).boundingRect();
}

void RateChartView::setSelectedRange(TimestampNs from, TimestampNs to) {
    if (to.value < from.value)
        std::swap(from, to);
    m_rangeFrom = from;
    m_rangeTo = to;
    updateOverlays();
}

void RateChartView::clearSelectedRange() {
    m_rangeFrom = m_rangeTo = TimestampNs{0};
    updateOverlays();
}

void RateChartView::setMarkerTime(TimestampNs t) {
    m_marker = t;
    updateOverlays();
}

void RateChartView::updateOverlays() {
    const QRectF plot = chart()->plotArea();
    const auto sceneX = [&](TimestampNs t) {
        return chart()
            ->mapToPosition(QPointF(static_cast<double>(t.value / kNsPerMs + shiftMs()), 0))
            .x();
    };
    if (m_drag == Drag::Brush) {
        const double a = mapToScene(m_dragStart).x();
        const double b = mapToScene(m_dragLast).x();
        m_rangeItem->setRect(
            QRectF(QPointF(std::max(plot.left(), std::min(a, b)), plot.top()),
                   QPointF(std::min(plot.right(), std::max(a, b)), plot.bottom())));
        m_rangeItem->show();
    } else if (hasSelectedRange()) {
        const double a = std::max(plot.left(), sceneX(m_rangeFrom));
        const double b = std::min(plot.right(), sceneX(m_rangeTo));
        m_rangeItem->setRect(QRectF(QPointF(a, plot.top()), QPointF(b, plot.bottom())));
        m_rangeItem->setVisible(b > a);
    } else {
        m_rangeItem->hide();
    }
    if (hasEvidenceWindow()) {
        const double a = std::max(plot.left(), sceneX(m_evidenceFrom));
        const double b = std::min(plot.right(), sceneX(m_evidenceTo));
        m_evidenceItem->setRect(QRectF(QPointF(a, plot.top()), QPointF(b, plot.bottom())));
        m_evidenceItem->setVisible(b > a);
    } else {
        m_evidenceItem->hide();
    }
    if (m_marker != kMinTimestamp) {
        const double x = sceneX(m_marker);
        m_markerItem->setLine(x, plot.top(), x, plot.bottom());
        m_markerItem->setVisible(x >= plot.left() && x <= plot.right());
    } else {
        m_markerItem->hide();
    }
}

void RateChartView::mousePressEvent(QMouseEvent *event) {
    const bool pan =
        event->button() == Qt::MiddleButton ||
        (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier));
    if (pan || event->button() == Qt::LeftButton) {
        m_drag = pan ? Drag::Pan : Drag::Brush;
        m_dragStart = m_dragLast = event->pos();
        event->accept();
        return;
    }
    QChartView::mousePressEvent(event);
}

void RateChartView::mouseMoveEvent(QMouseEvent *event) {
    if (m_drag == Drag::None) {
        QChartView::mouseMoveEvent(event);
        return;
    }
    const QPoint last = m_dragLast;
    m_dragLast = event->pos();
    if (m_drag == Drag::Pan) {
        const double msPerPixel = static_cast<double>(m_timeAxis->max().toMSecsSinceEpoch() -
                                                      m_timeAxis->min().toMSecsSinceEpoch()) /
                                  std::max(1.0, chart()->plotArea().width());
        panTime(-(m_dragLast.x() - last.x()) * msPerPixel);
    } else {
        updateOverlays();
    }
    event->accept();
}

void RateChartView::mouseReleaseEvent(QMouseEvent *event) {
    if (m_drag == Drag::None) {
        QChartView::mouseReleaseEvent(event);
        return;
    }
    const Drag drag = m_drag;
    m_drag = Drag::None;
    m_dragLast = event->pos();
    if (drag == Drag::Brush) {
        if (std::abs(m_dragLast.x() - m_dragStart.x()) > 3) {
            const TimestampNs a = xToTime(std::min(m_dragStart.x(), m_dragLast.x()));
            const TimestampNs b = xToTime(std::max(m_dragStart.x(), m_dragLast.x()));
            setSelectedRange(a, b);
            Q_EMIT timeRangeSelected(a.value, b.value);
        } else if (hasSelectedRange()) {
            clearSelectedRange();
            Q_EMIT timeRangeCleared();
        } else {
            updateOverlays();
        }
    }
    event->accept();
}

void RateChartView::wheelEvent(QWheelEvent *event) {
    const int dy = event->angleDelta().y();
    if (dy == 0) {
        QChartView::wheelEvent(event);
        return;
    }
    const QPointF scenePos = mapToScene(event->position().toPoint());
    zoomTime(dy > 0 ? 0.8 : 1.25, chart()->mapToValue(scenePos).x());
    event->accept();
}

void RateChartView::keyPressEvent(QKeyEvent *event) {
    if (event->key() == Qt::Key_Escape && hasSelectedRange()) {
        clearSelectedRange();
        Q_EMIT timeRangeCleared();
        event->accept();
        return;
    }
    QChartView::keyPressEvent(event);
}

void RateChartView::resizeEvent(QResizeEvent *event) {
    QChartView::resizeEvent(event);
    updateOverlays();
}

void RateChartView::applyTimeline(const engine::RateTimeline &timeline, TimestampNs now) {
    if (m_timeline)
        *m_timeline = timeline;
    else
        m_timeline = std::make_unique<engine::RateTimeline>(timeline);
    m_now = now;
    redraw();
}

void RateChartView::redraw() {
    if (!m_timeline)
        return;
    const engine::RateTimeline &timeline = *m_timeline;
    const TimestampNs now = m_now;
    const int64_t width = timeline.bucketNs();
    size_t n = timeline.size();
    while (n > 0 && timeline.bucketStart(n - 1).value > now.value - width)
        --n; // still filling
    if (n == 0)
        return;

    const qint64 shift = shiftMs();
    const int64_t lastEnd = timeline.bucketStart(n - 1).value + width;
    int64_t firstStart = timeline.bucketStart(0).value;
    size_t begin = 0;
    double xLo = 0;
    double xHi = 0;
    if (m_paused) {
        // The axis stays; every bucket is a candidate, the decimator keeps those in view.
        xLo = static_cast<double>(m_timeAxis->min().toMSecsSinceEpoch());
        xHi = static_cast<double>(m_timeAxis->max().toMSecsSinceEpoch());
    } else {
        if (now.value - lastEnd < kLiveLagNs) {
            // Live data: a strip chart of the recent past, growing from kMinSpanNs (a few
            // stray late events must not squeeze the live edge into a corner) to kLiveSpanNs.
            if (m_liveSince == 0)
                m_liveSince = now.value;
            const int64_t span = std::clamp(now.value - m_liveSince, kMinSpanNs, kLiveSpanNs);
            firstStart = std::max(firstStart, lastEnd - span);
        }
        firstStart = std::min(firstStart, lastEnd - kMinSpanNs);
        while (begin < n && timeline.bucketStart(begin).value < firstStart)
            ++begin;
        xLo = static_cast<double>(firstStart / kNsPerMs + shift);
        xHi = static_cast<double>(lastEnd / kNsPerMs + shift);
    }

    const double perSecond = static_cast<double>(kNsPerSecond) / static_cast<double>(width);
    const auto &seen = timeline.classesSeen();
    const size_t columns = static_cast<size_t>(std::max(100.0, chart()->plotArea().width()));
    double top = 0;
    std::vector<double> below(n - begin, 0.0); // stacked: sum of the classes drawn so far
    std::vector<series::Point> points;
    points.reserve(n - begin);
    const auto toQt = [](const std::vector<series::Point> &pts) {
        QVector<QPointF> out;
        out.reserve(static_cast<int>(pts.size()));
        for (const auto &p : pts)
            out.append(QPointF(p.x, p.y));
        return out;
    };
    m_maxSeriesPoints = 0;
    for (size_t cls = 0; cls < engine::RateTimeline::kClasses; ++cls) {
        if (!seen[cls])
            continue;
        QLineSeries *upper = seriesFor(cls);
        points.clear();
        std::vector<series::Point> lower;
        if (m_stacked)
            lower.reserve(n - begin);
        for (size_t i = begin; i < n; ++i) {
            // Each bucket is plotted at its middle.
            const int64_t mid = timeline.bucketStart(i).value + width / 2;
            const double x = static_cast<double>(mid / kNsPerMs + shift);
            double y = timeline.bucket(i)[cls] * perSecond;
            if (m_stacked) {
                lower.push_back({x, below[i - begin]});
                y += below[i - begin];
                below[i - begin] = y;
            }
            top = std::max(top, y);
            points.push_back({x, y});
        }
        // One replace() per series; min/max per pixel column when there are more points.
        const auto shown = series::decimateMinMax(points, xLo, xHi, columns);
        m_maxSeriesPoints = std::max(m_maxSeriesPoints, static_cast<int>(shown.size()));
        // OpenGL draws line series only (not areas): large lines when allowed.
        const bool gl = m_openGl && !m_stacked && shown.size() >= kOpenGlMinPoints;
        if (upper->useOpenGL() != gl)
            upper->setUseOpenGL(gl);
        upper->replace(toQt(shown));
        if (m_stacked && m_lower[cls])
            m_lower[cls]->replace(toQt(series::decimateMinMax(lower, xLo, xHi, columns)));
    }
    if (!m_paused) {
        m_timeAxis->setFormat(lastEnd - firstStart > kNsPerDay ? QStringLiteral("MM-dd hh:mm")
                                                               : QStringLiteral("hh:mm:ss"));
        m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(firstStart / kNsPerMs + shift),
                             QDateTime::fromMSecsSinceEpoch(lastEnd / kNsPerMs + shift));
    }
    m_rateAxis->setRange(0, std::max(10.0, top * 1.1));
    m_rateAxis->applyNiceNumbers();
    updateOverlays();
}

int RateChartView::seriesCount() const {
    return static_cast<int>(std::count_if(m_series.begin(), m_series.end(),
                                          [](const QLineSeries *s) { return s != nullptr; }));
}

int RateChartView::pointCount() const {
    int total = 0;
    for (const QLineSeries *s : m_series) {
        if (s)
            total += s->count();
    }
    return total;
}

double RateChartView::yMax() const {
    return m_rateAxis->max();
}

qint64 RateChartView::xMinMs() const {
    return m_timeAxis->min().toMSecsSinceEpoch();
}

qint64 RateChartView::xMaxMs() const {
    return m_timeAxis->max().toMSecsSinceEpoch();
}

} // namespace weir::ui
