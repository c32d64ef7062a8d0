// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>
#include <QStringList>
#include <QTimer>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QStandardItemModel;
class QTableView;

namespace weir::ui {

// The parser workbench: sample lines (pasted, or handed in from the table or the dead
// letters), a format picked or written (a name, regex:EXPR, logformat:STR), and, live, the
// match rate, each line's outcome and fields, and per field the share of events that have it,
// its null rate and its inferred type. The core (parse::tryFormat) does every parse; this
// dialog only shows the outcome, as plain text. With sources (Tools → Parser Workbench…), it
// can apply the format to one of them. Thread contract: GUI thread; a trial runs 200 ms after
// the last edit, over at most kMaxLines lines.
class ParserWorkbenchDialog final : public QDialog {
    Q_OBJECT

public:
    static constexpr int kMaxLines = 2000;
    enum LineColumn { LineNumberColumn, ResultColumn, TimeColumn, LevelColumn, FieldsColumn };
    enum FieldColumn { FieldNameColumn, PresentColumn, NullColumn, TypeColumn };

    explicit ParserWorkbenchDialog(QWidget *parent = nullptr);

    void setSampleLines(const QStringList &lines);
    void setFormat(const QString &format);
    QString format() const;
    // Offers the sources (names, their current formats, sample lines of each) in a "Source"
    // box that loads the sample, and an "Apply to source" button (applyRequested). Without
    // sources neither is shown. `inUse`: per source, how its format was chosen (shown as
    // "In use", e.g. auto-detection and its match rate).
    void setSources(const QStringList &names, const QStringList &formats,
                    const QList<QStringList> &samples, const QStringList &inUse = {});
    QString currentSource() const;
    QString inUseText() const;

    // Runs the trial now (the timer does it after edits).
    void refresh();

    QString matchRateText() const;
    QStandardItemModel *linesModel() const { return m_lines; }
    QStandardItemModel *fieldsModel() const { return m_fields; }

Q_SIGNALS:
    // "Apply to source": read `source` again with `format`.
    void applyRequested(const QString &source, const QString &format);

private:
    void selectSource(int index);

    QComboBox *m_source;
    QPushButton *m_apply;
    QLabel *m_sourceLabel;
    QLabel *m_inUse;
    QLabel *m_inUseLabel;
    QStringList m_sourceFormats;
    QStringList m_sourceInUse;
    QList<QStringList> m_samples;
    QPlainTextEdit *m_sample;
    QComboBox *m_format;
    QLabel *m_rate;
    QStandardItemModel *m_lines;
    QStandardItemModel *m_fields;
    QTableView *m_lineView;
    QTableView *m_fieldView;
    QTimer m_timer;
};

} // namespace weir::ui
