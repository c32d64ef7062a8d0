// SPDX-License-Identifier: GPL-3.0-or-later
// DeadLetterModel and DeadLettersPanel over real dead-letter stores, offscreen, under
// QAbstractItemModelTester; raw bytes must stay plain text.
#include "models/dead_letter_model.h"
#include "views/dead_letters_panel.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QtTest>

using weir::parse::DeadLetterReason;
using weir::ui::DeadLetterModel;
using weir::ui::DeadLettersPanel;

namespace {

// A real DeadLetterStore published as engine snapshots.
class DeadFeeder {
public:
    explicit DeadFeeder(weir::store::DeadLetterStore::Options o = {})
        : m_store(o) {}

    void add(DeadLetterReason reason, uint16_t source, uint64_t line, std::string_view raw) {
        m_store.add(reason, weir::SourceId{source}, line, weir::TimestampNs{}, raw);
    }

    void resolve(uint64_t index) { m_store.resolve(index); }

    std::shared_ptr<const weir::engine::Snapshot> snapshot() {
        auto s = std::make_shared<weir::engine::Snapshot>();
        s->version = ++m_version;
        s->deadLetters = m_store.snapshot();
        for (uint16_t id = 0; id < 2; ++id) {
            weir::engine::ChannelInfo ch;
            ch.id = weir::SourceId{id};
            ch.name = id == 0 ? "app.log" : "other.log";
            s->channels.push_back(std::move(ch));
        }
        s->stats.deadLetters = m_store.total() - m_store.resolvedCount();
        s->stats.resolvedDeadLetters = m_store.resolvedCount();
        for (size_t r = 0; r < weir::engine::kReasonCount; ++r)
            s->stats.deadByReason[r] = m_store.counts()[r];
        // As the engine counts: resolved ones leave the counts.
        for (size_t i = 0; i < s->deadLetters.size(); ++i) {
            if (s->deadLetters[i].resolved)
                --s->stats.deadByReason[static_cast<size_t>(s->deadLetters[i].reason)];
        }
        return s;
    }

private:
    weir::store::DeadLetterStore m_store;
    uint64_t m_version = 0;
};

QString cell(const QAbstractItemModel &m, int row, int column) {
    return m.index(row, column).data().toString();
}

} // namespace

class TestDeadLettersPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void modelShowsEveryColumnAndExactRawBytes();
    void appendedDeadLettersAreOneInsertion();
    void reasonFilterAndEvictionUnderTheTester();
    void displayTextIsPlainAndSafe();
    void panelCountsRawViewAndGoToPosition();
    void panelReparsesWithAnotherFormatInCore();
    void resolvedDeadLettersAreMarkedInPlace();
};

void TestDeadLettersPanel::modelShowsEveryColumnAndExactRawBytes() {
    DeadFeeder feed;
    feed.add(DeadLetterReason::Malformed, 0, 7, "garbage line");
    feed.add(DeadLetterReason::InvalidUtf8, 1, 12, std::string_view("bad \xff\xfe bytes", 12));
    DeadLetterModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applySnapshot(feed.snapshot());
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(DeadLetterModel::ColumnCount));
    QCOMPARE(cell(model, 0, DeadLetterModel::ReasonColumn), QStringLiteral("malformed"));
    QCOMPARE(cell(model, 0, DeadLetterModel::SourceColumn), QStringLiteral("app.log"));
    QCOMPARE(cell(model, 0, DeadLetterModel::PositionColumn), QStringLiteral("7"));
    QCOMPARE(cell(model, 0, DeadLetterModel::RawColumn), QStringLiteral("garbage line"));
    QCOMPARE(cell(model, 1, DeadLetterModel::ReasonColumn), QStringLiteral("invalid_utf8"));
    QCOMPARE(model.positionText(1), QStringLiteral("other.log:12"));
    QCOMPARE(model.index(1, 0).data(DeadLetterModel::RawRole).toByteArray(),
             QByteArray("bad \xff\xfe bytes", 12));
    QCOMPARE(model.index(1, 0).data(DeadLetterModel::PositionRole).toULongLong(), 12ull);
    QCOMPARE(model.index(1, 0).data(DeadLetterModel::SourceIdRole).toInt(), 1);
    QCOMPARE(model.index(1, 0).data(DeadLetterModel::IndexRole).toULongLong(), 1ull);
    QVERIFY(cell(model, 1, DeadLetterModel::RawColumn).contains(QChar(0xFFFD)));
    QCOMPARE(model.headerData(DeadLetterModel::RawColumn, Qt::Horizontal).toString(),
             QStringLiteral("Raw"));
    const auto counts = model.reasonCounts();
    QCOMPARE(counts.size(), size_t{2});
    QCOMPARE(counts[0].first, DeadLetterReason::Malformed);
    QCOMPARE(counts[0].second, uint64_t{1});
    QCOMPARE(model.rawLines(1, 10).size(), size_t{1});
    QCOMPARE(model.rawLines(-1, 10).size(), size_t{2});
}

void TestDeadLettersPanel::appendedDeadLettersAreOneInsertion() {
    DeadFeeder feed;
    DeadLetterModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    feed.add(DeadLetterReason::Malformed, 0, 1, "a");
    model.applySnapshot(feed.snapshot());
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    for (int i = 0; i < 5; ++i)
        feed.add(DeadLetterReason::BadTimestamp, 0, 2 + i, "b");
    model.applySnapshot(feed.snapshot());
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 1);
    QCOMPARE(inserted.at(0).at(2).toInt(), 5);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(model.rowCount(), 6);
    model.applySnapshot(feed.snapshot()); // nothing new: no structural change
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(reset.count(), 0);
}

void TestDeadLettersPanel::reasonFilterAndEvictionUnderTheTester() {
    weir::store::DeadLetterStore::Options o;
    o.maxEntries = 1024;
    DeadFeeder feed(o);
    DeadLetterModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 600; ++i)
        feed.add(i % 3 ? DeadLetterReason::Malformed : DeadLetterReason::Empty, 0, i + 1, "x");
    model.applySnapshot(feed.snapshot());
    QCOMPARE(model.rowCount(), 600);
    model.setReasonFilter(static_cast<int>(DeadLetterReason::Empty));
    QCOMPARE(model.rowCount(), 200);
    for (int r = 0; r < model.rowCount(); ++r)
        QCOMPARE(model.index(r, 0).data(DeadLetterModel::ReasonRole).toInt(),
                 static_cast<int>(DeadLetterReason::Empty));
    // Past the limit the oldest block is evicted: the model resets onto what is kept.
    for (int i = 600; i < 2100; ++i)
        feed.add(DeadLetterReason::Malformed, 0, i + 1, "y");
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.applySnapshot(feed.snapshot());
    QCOMPARE(reset.count(), 1);
    model.setReasonFilter(-1);
    const auto snap = feed.snapshot();
    model.applySnapshot(snap);
    QCOMPARE(model.rowCount(), static_cast<int>(snap->deadLetters.size()));
    QVERIFY(model.rowCount() < 2100);
    QCOMPARE(model.index(0, 0).data(DeadLetterModel::IndexRole).toULongLong(),
             snap->deadLetters.firstIndex());
    // Counts still cover everything ever added.
    QCOMPARE(model.totalDeadLetters(), uint64_t{2100});
}

void TestDeadLettersPanel::displayTextIsPlainAndSafe() {
    QCOMPARE(DeadLetterModel::displayText("<h1>big</h1> &amp;"),
             QStringLiteral("<h1>big</h1> &amp;"));
    const QString controls = DeadLetterModel::displayText(std::string_view("a\0b\nc\x7f", 6));
    QCOMPARE(controls, QString(QStringLiteral("a")) + QChar(0x2400) + QStringLiteral("b") +
                           QChar(0x240A) + QStringLiteral("c") + QChar(0x2421));
    const QString cut = DeadLetterModel::displayText(std::string(5000, 'z'), 100);
    QCOMPARE(cut.size(), 101);
    QCOMPARE(cut.back(), QChar(0x2026));
    // A multi-byte sequence cut by the byte cap is a replacement character, never a crash.
    const QString utf8 = DeadLetterModel::displayText("\xc3\xa9\xc3", 10);
    QVERIFY(utf8.startsWith(QChar(0xE9)));
    QVERIFY(utf8.contains(QChar(0xFFFD)));
}

void TestDeadLettersPanel::panelCountsRawViewAndGoToPosition() {
    DeadFeeder feed;
    feed.add(DeadLetterReason::Malformed, 0, 3, "<h1>not a heading</h1>");
    feed.add(DeadLetterReason::Malformed, 0, 9, "second");
    feed.add(DeadLetterReason::BadTimestamp, 1, 4, "2021-13-45 bad time");
    DeadLettersPanel panel;
    panel.resize(800, 500);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QAbstractItemModelTester tester(panel.model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(panel.summaryText(), QStringLiteral("No dead letters"));
    panel.applySnapshot(feed.snapshot());
    QCOMPARE(panel.summaryText(), QStringLiteral("3 dead letter(s): malformed 2, bad_timestamp 1"));
    panel.table()->setCurrentIndex(panel.model()->index(0, 0));
    QCOMPARE(panel.rawText(), QStringLiteral("<h1>not a heading</h1>"));
    for (QLabel *label : panel.findChildren<QLabel *>())
        QCOMPARE(label->textFormat(), Qt::PlainText);
    QSignalSpy spy(&panel, &DeadLettersPanel::positionRequested);
    panel.table()->setCurrentIndex(panel.model()->index(2, 0));
    auto *goTo = panel.findChild<QPushButton *>(QStringLiteral("goToPosition"));
    QVERIFY(goTo);
    goTo->click();
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.last().at(0).toInt(), 1);
    QCOMPARE(spy.last().at(1).toULongLong(), 4ull);
    QCOMPARE(spy.last().at(2).toString(), QStringLiteral("other.log:4"));
}

void TestDeadLettersPanel::panelReparsesWithAnotherFormatInCore() {
    DeadFeeder feed;
    // JSON lines that failed as an access log, and one line that is nothing at all.
    feed.add(DeadLetterReason::Malformed, 0, 1, R"({"ts":"2021-11-22T10:15:32Z","level":"info"})");
    feed.add(DeadLetterReason::Malformed, 0, 2,
             R"({"ts":"2021-11-22T10:15:33Z","msg":"<b>x</b>"})");
    feed.add(DeadLetterReason::Malformed, 0, 3, "neither json nor anything");
    DeadLettersPanel panel;
    panel.applySnapshot(feed.snapshot());
    panel.formatBox()->setCurrentText(QStringLiteral("json"));
    QCOMPARE(panel.tryFormat(), QStringLiteral("2 of 3 dead letters parse as json (66.7 %)"));
    QCOMPARE(panel.trialText(), QStringLiteral("2 of 3 dead letters parse as json (66.7 %)"));
    panel.formatBox()->setCurrentText(QStringLiteral("regex:^(?P<word>neither) (?P<rest>.*)"));
    QCOMPARE(panel.tryFormat(), QStringLiteral("1 of 3 dead letters parse as regex (33.3 %)"));
    // The button runs the same trial.
    panel.formatBox()->setCurrentText(QStringLiteral("json"));
    auto *tryButton = panel.findChild<QPushButton *>(QStringLiteral("tryFormat"));
    QVERIFY(tryButton);
    tryButton->click();
    QCOMPARE(panel.trialText(), QStringLiteral("2 of 3 dead letters parse as json (66.7 %)"));
    panel.formatBox()->setCurrentText(QStringLiteral("regex:("));
    QVERIFY(panel.tryFormat().startsWith(QStringLiteral("Format error: ")));
}

void TestDeadLettersPanel::resolvedDeadLettersAreMarkedInPlace() {
    DeadFeeder feed;
    feed.add(DeadLetterReason::Malformed, 0, 1, R"({"a":1})");
    feed.add(DeadLetterReason::Malformed, 1, 2, "nothing");
    DeadLettersPanel panel;
    QAbstractItemModelTester tester(panel.model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    panel.applySnapshot(feed.snapshot());
    const auto before = feed.snapshot();
    QSignalSpy changed(panel.model(), &QAbstractItemModel::dataChanged);
    QSignalSpy reset(panel.model(), &QAbstractItemModel::modelReset);
    feed.resolve(0);
    panel.applySnapshot(feed.snapshot());
    QCOMPARE(changed.count(), 1);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(panel.model()->rowCount(), 2);
    QVERIFY(panel.model()->index(0, 0).data(DeadLetterModel::ResolvedRole).toBool());
    QVERIFY(!panel.model()->index(1, 0).data(DeadLetterModel::ResolvedRole).toBool());
    QCOMPARE(cell(*panel.model(), 0, DeadLetterModel::ReasonColumn),
             QStringLiteral("malformed, re-parsed"));
    QCOMPARE(panel.summaryText(), QStringLiteral("1 dead letter(s): malformed 1"));
    QCOMPARE(panel.model()->rawLines(-1, 10), std::vector<std::string>{"nothing"});
    QCOMPARE(panel.trialText(), QStringLiteral("1 dead letter(s) re-parsed into events"));
    // Snapshots published before keep their view.
    QVERIFY(!before->deadLetters[0].resolved);

    // "Re-parse into events" asks for the selected row's source, with the format in the box.
    QSignalSpy requested(&panel, &DeadLettersPanel::reparseRequested);
    panel.formatBox()->setCurrentText(QStringLiteral("json"));
    panel.table()->setCurrentIndex(panel.model()->index(1, 0));
    auto *button = panel.findChild<QPushButton *>(QStringLiteral("reparseIntoEvents"));
    QVERIFY(button);
    button->click();
    QCOMPARE(requested.count(), 1);
    QCOMPARE(requested.at(0).at(0).toInt(), 1);
    QCOMPARE(requested.at(0).at(1).toString(), QStringLiteral("json"));
    panel.table()->setCurrentIndex(QModelIndex());
    QVERIFY(panel.reparseIntoEvents());
    QCOMPARE(requested.last().at(0).toInt(), -1);
    panel.formatBox()->setCurrentText(QStringLiteral("regex:("));
    QVERIFY(!panel.reparseIntoEvents());
    QCOMPARE(requested.count(), 2);
}

QTEST_MAIN(TestDeadLettersPanel)
#include "test_dead_letters_panel.moc"
