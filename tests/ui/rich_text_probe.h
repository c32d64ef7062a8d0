// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Test helper: proves that text from log lines is shown literally, never as markup. Feed the
// hostile() strings through a view (as raw lines, field values, source names, error messages),
// then call check(widget) and/or check(model): every place that displays one of them must show
// it character for character. Any panel can add itself in a few lines:
//
//   weir::test::RichTextProbe probe;
//   probe.check(myPanel);                 // labels, tooltips, text edits, buttons, charts, ...
//   probe.check(myPanel->model());        // every cell's display, tooltip and status roles
//   QVERIFY2(probe.failures().isEmpty(), qPrintable(probe.report()));
//   QVERIFY(probe.seen() > 0);            // the hostile text did reach the panel
//
// How each place renders text is modelled on Qt: QLabel and tooltips with Qt::AutoText use
// Qt::mightBeRichText; QtCharts renders titles, axis labels, legend entries and series names
// as HTML; item delegates, QPlainTextEdit, QStatusBar messages and buttons draw plain text.
#include <QAbstractButton>
#include <QAbstractItemModel>
#include <QAbstractItemView>
#include <QAction>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QStatusBar>
#include <QStringList>
#include <QTextDocument>
#include <QTextEdit>
#include <QWidget>
#include <QtCharts/QAbstractAxis>
#include <QtCharts/QAbstractBarSeries>
#include <QtCharts/QAbstractSeries>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QCategoryAxis>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>

namespace weir::test {

class RichTextProbe {
public:
    // Markup a log line may carry; each has a marker word no other text contains.
    static const QStringList &hostile() {
        static const QStringList strings = {
            QStringLiteral("<h1>weirbig</h1>"),
            QStringLiteral("<img src=weirimg>"),
            QStringLiteral("<a href=http://x>weirlink</a>"),
        };
        return strings;
    }
    static QString marker(int i) {
        static const QString markers[] = {QStringLiteral("weirbig"), QStringLiteral("weirimg"),
                                          QStringLiteral("weirlink")};
        return markers[i];
    }
    // One line holding every hostile string.
    static QString hostileLine() { return hostile().join(QLatin1Char(' ')); }

    // What a viewer sees for `text` drawn with `format`.
    static QString shown(const QString &text, Qt::TextFormat format) {
        const bool rich =
            format == Qt::RichText || (format == Qt::AutoText && Qt::mightBeRichText(text));
        if (!rich)
            return text;
        QTextDocument doc;
        doc.setHtml(text);
        return doc.toPlainText();
    }

    // Records a failure when `text` mentions a hostile string that a viewer would not see
    // literally. `where` names the place for the report.
    void checkText(const QString &where, const QString &text, Qt::TextFormat format) {
        bool mentioned = false;
        const QString visible = shown(text, format);
        for (int i = 0; i < hostile().size(); ++i) {
            if (!text.contains(marker(i)) && !visible.contains(marker(i)))
                continue;
            mentioned = true;
            if (!visible.contains(hostile()[i]))
                m_failures << QStringLiteral("%1: shows %2 as markup (text %3)")
                                  .arg(where, hostile()[i], text.left(200));
        }
        if (mentioned)
            ++m_seen;
    }

    // Every widget under (and including) `root`.
    void check(QWidget *root) {
        QList<QWidget *> widgets = root->findChildren<QWidget *>();
        widgets.prepend(root);
        for (QWidget *w : widgets) {
            const QString name = describe(w);
            checkText(name + QStringLiteral(" tooltip"), w->toolTip(), Qt::AutoText);
            checkText(name + QStringLiteral(" what's this"), w->whatsThis(), Qt::AutoText);
            checkText(name + QStringLiteral(" title"), w->windowTitle(), Qt::PlainText);
            if (auto *label = qobject_cast<QLabel *>(w))
                checkText(name, label->text(), label->textFormat());
            else if (auto *button = qobject_cast<QAbstractButton *>(w))
                checkText(name, button->text(), Qt::PlainText);
            else if (auto *edit = qobject_cast<QLineEdit *>(w))
                checkText(name, edit->text(), Qt::PlainText);
            else if (auto *plain = qobject_cast<QPlainTextEdit *>(w))
                checkText(name, plain->toPlainText(), Qt::PlainText);
            else if (auto *rich = qobject_cast<QTextEdit *>(w))
                checkText(name, rich->toPlainText(), Qt::PlainText); // what the document shows
            else if (auto *bar = qobject_cast<QStatusBar *>(w))
                checkText(name + QStringLiteral(" message"), bar->currentMessage(), Qt::PlainText);
            else if (auto *chartView = qobject_cast<QtCharts::QChartView *>(w))
                check(chartView->chart(), name);
            for (QAction *a : w->actions()) {
                const QString an = name + QStringLiteral(" action ") + a->objectName();
                checkText(an + QStringLiteral(" text"), a->text(), Qt::PlainText);
                checkText(an + QStringLiteral(" tooltip"), a->toolTip(), Qt::AutoText);
            }
        }
    }

    // The models of every item view under `root` (tables, lists, trees), cell by cell.
    void checkModels(QWidget *root) {
        for (QAbstractItemView *view : root->findChildren<QAbstractItemView *>()) {
            if (view->model())
                check(view->model());
        }
    }

    // QtCharts draws these through QGraphicsTextItem::setHtml: they must arrive escaped.
    void check(QtCharts::QChart *chart, const QString &where = QStringLiteral("chart")) {
        if (!chart)
            return;
        checkText(where + QStringLiteral(" title"), chart->title(), Qt::RichText);
        for (QtCharts::QAbstractSeries *s : chart->series())
            checkText(where + QStringLiteral(" series name"), s->name(), Qt::RichText);
        for (QtCharts::QAbstractAxis *axis : chart->axes()) {
            checkText(where + QStringLiteral(" axis title"), axis->titleText(), Qt::RichText);
            if (auto *categories = qobject_cast<QtCharts::QCategoryAxis *>(axis)) {
                for (const QString &label : categories->categoriesLabels())
                    checkText(where + QStringLiteral(" axis label"), label, Qt::RichText);
            }
            if (auto *bars = qobject_cast<QtCharts::QBarCategoryAxis *>(axis)) {
                for (const QString &label : bars->categories())
                    checkText(where + QStringLiteral(" bar category"), label, Qt::RichText);
            }
        }
        for (QtCharts::QAbstractSeries *s : chart->series()) {
            if (auto *bars = qobject_cast<QtCharts::QAbstractBarSeries *>(s)) {
                for (QtCharts::QBarSet *set : bars->barSets())
                    checkText(where + QStringLiteral(" bar set"), set->label(), Qt::RichText);
            }
        }
        for (QtCharts::QLegendMarker *m : chart->legend()->markers())
            checkText(where + QStringLiteral(" legend"), m->label(), Qt::RichText);
    }

    // Every cell: display text (delegates draw it plain), tooltips (AutoText), status tips.
    void check(const QAbstractItemModel *model, const QModelIndex &parent = QModelIndex(),
               int maxRows = 5000) {
        const int rows = std::min(model->rowCount(parent), maxRows);
        for (int r = 0; r < rows; ++r) {
            for (int c = 0; c < model->columnCount(parent); ++c) {
                const QModelIndex i = model->index(r, c, parent);
                const QString at = QStringLiteral("%1 cell (%2,%3)")
                                       .arg(QString::fromLatin1(model->metaObject()->className()))
                                       .arg(r)
                                       .arg(c);
                checkText(at, i.data(Qt::DisplayRole).toString(), Qt::PlainText);
                checkText(at + QStringLiteral(" tooltip"), i.data(Qt::ToolTipRole).toString(),
                          Qt::AutoText);
                checkText(at + QStringLiteral(" what's this"), i.data(Qt::WhatsThisRole).toString(),
                          Qt::AutoText);
                if (model->hasChildren(i) && c == 0)
                    check(model, i, maxRows);
            }
        }
        for (int c = 0; c < model->columnCount(parent); ++c)
            checkText(QStringLiteral("header"), model->headerData(c, Qt::Horizontal).toString(),
                      Qt::PlainText);
    }

    const QStringList &failures() const { return m_failures; }
    QString report() const { return m_failures.join(QLatin1Char('\n')); }
    // How many places showed hostile text (so a test can prove its input arrived).
    int seen() const { return m_seen; }

private:
    static QString describe(QWidget *w) {
        QString n = QString::fromLatin1(w->metaObject()->className());
        if (!w->objectName().isEmpty())
            n += QLatin1Char('#') + w->objectName();
        return n;
    }

    QStringList m_failures;
    int m_seen = 0;
};

} // namespace weir::test
