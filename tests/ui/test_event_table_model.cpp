// SPDX-License-Identifier: GPL-3.0-or-later
// EventTableModel against real stores and a real engine, under QAbstractItemModelTester.
#include "models/event_table_model.h"
#include "store_feeder.h"
#include "weir/common/time_util.h"
#include "weir/source/demo_source.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>
#include <chrono>
#include <thread>

using weir::test::StoreFeeder;
using weir::ui::EventTableModel;

namespace {

// Records the structural signals of one model, in order, as "R<first>-<last>" / "I<first>-<last>".
class ChangeLog : public QObject {
public:
    explicit ChangeLog(QAbstractItemModel *model) {
        connect(model, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                [this](const QModelIndex &, int f, int l) { add('R', f, l); });
        connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this,
                [this](const QModelIndex &, int f, int l) { add('I', f, l); });
        connect(model, &QAbstractItemModel::modelAboutToBeReset, this,
                [this] { entries << QStringLiteral("reset"); });
    }
    QStringList take() {
        QStringList out;
        out.swap(entries);
        return out;
    }
    QStringList entries;

private:
    void add(char kind, int first, int last) {
        entries << QStringLiteral("%1%2-%3").arg(QLatin1Char(kind)).arg(first).arg(last);
    }
};

QString messageAt(const EventTableModel &model, int row) {
    return model.index(row, EventTableModel::MessageColumn).data().toString();
}

} // namespace

class TestEventTableModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void insertsEachSnapshotAsOneBatch();
    void removesEvictedRowsBeforeInserting();
    void dropsEverythingWhenAllRowsWereEvicted();
    void capsRowsAtMaxRows();
    void sameVersionIsANoOp();
    void olderSnapshotResetsTheModel();
    void formatsCellsLazilyAndExposesRawRoles();
    void followsARealEngineUnderTheModelTester();
    void keepsUpWithEvictionInARealEngine();
};

void TestEventTableModel::insertsEachSnapshotAsOneBatch() {
    StoreFeeder feed({});
    EventTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ChangeLog log(&model);

    feed.append(100);
    model.applySnapshot(feed.snapshot());
    QCOMPARE(log.take(), QStringList{QStringLiteral("I0-99")});
    QCOMPARE(model.rowCount(), 100);

    feed.append(1);
    model.applySnapshot(feed.snapshot());
    QCOMPARE(log.take(), QStringList{QStringLiteral("I100-100")});

    feed.append(5000);
    model.applySnapshot(feed.snapshot());
    QCOMPARE(log.take(), QStringList{QStringLiteral("I101-5100")});
    QCOMPARE(model.rowCount(), 5101);
    QCOMPARE(messageAt(model, 5100), QStringLiteral("event 5100"));

    // Nothing new: no structural change at all.
    model.applySnapshot(feed.snapshot());
    QVERIFY(log.take().isEmpty());
}

void TestEventTableModel::removesEvictedRowsBeforeInserting() {
    // Chunks of 10 events and a budget that keeps only the open chunk: every new chunk evicts
    // the previous ones, deterministically.
    weir::store::EventStore::Options o;
    o.chunkEvents = 10;
    o.memoryBudgetBytes = 1;
    StoreFeeder feed(o);
    EventTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ChangeLog log(&model);

    feed.append(8); // [0, 8) in one chunk
    model.applySnapshot(feed.snapshot());
    QCOMPARE(log.take(), QStringList{QStringLiteral("I0-7")});

    feed.append(5); // opens [10, ...): evicts [0, 10); store keeps [10, 13)
    const auto snap = feed.snapshot();
    QCOMPARE(snap->events.firstIndex(), uint64_t{10});
    model.applySnapshot(snap);
    // The 8 rows shown are evicted (rows 0..7 go, in one block, first); then [10, 13) arrive.
    QCOMPARE(log.take(), (QStringList{QStringLiteral("R0-7"), QStringLiteral("I0-2")}));
    QCOMPARE(model.firstIndex(), uint64_t{10});
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(messageAt(model, 0), QStringLiteral("event 10"));
    QCOMPARE(model.index(0, 0).data(EventTableModel::EventIndexRole).toULongLong(), 10ULL);

    feed.append(7); // [10, 20): the chunk is full but not yet replaced
    model.applySnapshot(feed.snapshot());
    QCOMPARE(log.take(), QStringList{QStringLiteral("I3-9")});

    feed.append(4); // opens [20, ...): evicts [10, 20)
    model.applySnapshot(feed.snapshot());
    QCOMPARE(log.take(), (QStringList{QStringLiteral("R0-9"), QStringLiteral("I0-3")}));
    QCOMPARE(messageAt(model, 0), QStringLiteral("event 20"));
    QCOMPARE(messageAt(model, 3), QStringLiteral("event 23"));
}

void TestEventTableModel::dropsEverythingWhenAllRowsWereEvicted() {
    weir::store::EventStore::Options o;
    o.chunkEvents = 10;
    o.memoryBudgetBytes = 1;
    StoreFeeder feed(o);
    EventTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ChangeLog log(&model);
    feed.append(5);
    model.applySnapshot(feed.snapshot());
    log.take();
    feed.append(100); // the UI missed [5, 90) entirely
    model.applySnapshot(feed.snapshot());
    QCOMPARE(log.take(), (QStringList{QStringLiteral("R0-4"), QStringLiteral("I0-4")}));
    QCOMPARE(model.firstIndex(), uint64_t{100});
    QCOMPARE(messageAt(model, 0), QStringLiteral("event 100"));
}

void TestEventTableModel::capsRowsAtMaxRows() {
    StoreFeeder feed({});
    EventTableModel model;
    model.setMaxRows(1000);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ChangeLog log(&model);

    feed.append(600);
    model.applySnapshot(feed.snapshot());
    QCOMPARE(log.take(), QStringList{QStringLiteral("I0-599")});
    feed.append(600); // 1200 retained, 1000 shown: 200 leave at the top first
    model.applySnapshot(feed.snapshot());
    QCOMPARE(log.take(), (QStringList{QStringLiteral("R0-199"), QStringLiteral("I400-999")}));
    QCOMPARE(model.rowCount(), 1000);
    QCOMPARE(messageAt(model, 0), QStringLiteral("event 200"));
    QCOMPARE(messageAt(model, 999), QStringLiteral("event 1199"));

    feed.append(5000); // more than the cap in one step: only the newest 1000 are shown
    model.applySnapshot(feed.snapshot());
    QCOMPARE(log.take(), (QStringList{QStringLiteral("R0-999"), QStringLiteral("I0-999")}));
    QCOMPARE(messageAt(model, 0), QStringLiteral("event 5200"));
    QCOMPARE(model.indexToRow(6199), 999);
    QCOMPARE(model.indexToRow(5199), -1);
}

void TestEventTableModel::sameVersionIsANoOp() {
    StoreFeeder feed({});
    EventTableModel model;
    ChangeLog log(&model);
    feed.append(10);
    const auto snap = feed.snapshot();
    model.applySnapshot(snap);
    log.take();
    feed.append(10);
    // A different snapshot object carrying the version already applied is ignored.
    auto same = std::make_shared<weir::engine::Snapshot>(*feed.snapshot());
    same->version = snap->version;
    model.applySnapshot(same);
    QVERIFY(log.take().isEmpty());
    QCOMPARE(model.rowCount(), 10);
    model.applySnapshot(nullptr);
    QCOMPARE(model.rowCount(), 10);
}

void TestEventTableModel::olderSnapshotResetsTheModel() {
    StoreFeeder first({});
    EventTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ChangeLog log(&model);
    first.append(50);
    for (int i = 0; i < 3; ++i)
        model.applySnapshot(first.snapshot());
    log.take();
    StoreFeeder second({}); // another engine: versions and indices start over
    second.append(20);
    model.applySnapshot(second.snapshot());
    QCOMPARE(log.take(), QStringList{QStringLiteral("reset")});
    QCOMPARE(model.rowCount(), 20);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.index(0, 0).isValid());
}

void TestEventTableModel::formatsCellsLazilyAndExposesRawRoles() {
    StoreFeeder feed({});
    EventTableModel model;
    feed.append(5);
    model.applySnapshot(feed.snapshot());
    QCOMPARE(model.columnCount(), int(EventTableModel::ColumnCount));
    QCOMPARE(model.headerData(EventTableModel::TimeColumn, Qt::Horizontal).toString(),
             QStringLiteral("Time (UTC)"));

    const auto cell = [&](int row, int column, int role = Qt::DisplayRole) {
        return model.index(row, column).data(role);
    };
    QCOMPARE(cell(0, EventTableModel::TimeColumn).toString(),
             QStringLiteral("2021-11-22T10:15:32.000Z"));
    QCOMPARE(cell(3, EventTableModel::TimeColumn).toString(),
             QStringLiteral("2021-11-22T10:15:32.030Z"));
    QCOMPARE(cell(1, EventTableModel::SourceColumn).toString(), QStringLiteral("feed-1"));
    QCOMPARE(cell(4, EventTableModel::StatusColumn).toString(), QStringLiteral("404"));
    QCOMPARE(cell(4, EventTableModel::SeverityColumn).toString(), QStringLiteral("warning"));
    QVERIFY(cell(4, EventTableModel::StatusColumn, Qt::ForegroundRole).isValid());
    QVERIFY(!cell(0, EventTableModel::StatusColumn, Qt::ForegroundRole).isValid());
    QCOMPARE(cell(2, EventTableModel::MessageColumn).toString(), QStringLiteral("event 2"));

    QCOMPARE(cell(3, 0, EventTableModel::TimeNsRole).toLongLong(),
             StoreFeeder::kBaseNs + 30 * weir::kNsPerMs);
    QCOMPARE(cell(3, 0, EventTableModel::EventIndexRole).toULongLong(), 3ULL);
    QCOMPARE(cell(3, 0, EventTableModel::SourceIdRole).toInt(), 1);
    QCOMPARE(cell(4, 0, EventTableModel::StatusRole).toInt(), 404);
    QCOMPARE(cell(4, 0, EventTableModel::SeverityRole).toInt(), int(weir::Severity::Warning));
    QCOMPARE(cell(4, 0, EventTableModel::PositionRole).toULongLong(), 5ULL);
    QCOMPARE(cell(2, 0, EventTableModel::RawRole).toByteArray(), QByteArray("event 2"));
    // No decoder for these channels: no fields, no crash.
    QVERIFY(cell(2, 0, EventTableModel::FieldsRole).toList().isEmpty());
    QVERIFY(!model.index(5, 0).isValid());
    QVERIFY(!model.data(model.index(0, 0), Qt::DecorationRole).isValid());
}

void TestEventTableModel::followsARealEngineUnderTheModelTester() {
    weir::engine::Engine::Options eo;
    eo.publishInterval = std::chrono::milliseconds(5);
    weir::engine::Engine engine(eo);
    weir::source::DemoSource::Options d;
    d.maxEvents = 20000;
    d.startTimeNs = StoreFeeder::kBaseNs; // simulated clock: as fast as the engine takes it
    engine.addSource(std::make_unique<weir::source::DemoSource>(d));

    EventTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    engine.start();
    int applied = 0;
    std::shared_ptr<const weir::engine::Snapshot> snap;
    for (int i = 0; i < 6000; ++i) { // at most ~60 s
        snap = engine.snapshot();
        model.applySnapshot(snap);
        ++applied;
        if (snap->stats.finished)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    QVERIFY(snap->stats.finished);
    engine.stop();
    model.applySnapshot(engine.snapshot());

    const auto last = engine.snapshot();
    QCOMPARE(uint64_t(model.rowCount()), last->events.size());
    QCOMPARE(uint64_t(model.rowCount()), last->stats.events);
    QVERIFY(model.rowCount() > 15000);        // a few percent are dead letters on purpose
    QVERIFY(inserted.count() <= applied + 1); // never more than one batch per snapshot

    // Fields come from the channel's decoder, only when asked for.
    bool sawFields = false;
    for (int row = 0; row < 50 && !sawFields; ++row) {
        const QModelIndex idx = model.index(row, EventTableModel::MessageColumn);
        QCOMPARE(idx.data().toString().toUtf8(), idx.data(EventTableModel::RawRole)
                                                     .toByteArray()
                                                     .left(EventTableModel::kMaxDisplayBytes));
        const QVariantList fields = idx.data(EventTableModel::FieldsRole).toList();
        if (!fields.isEmpty()) {
            sawFields = true;
            QVERIFY(!fields.front().toMap().value(QStringLiteral("name")).toString().isEmpty());
        }
        QVERIFY(!idx.siblingAtColumn(EventTableModel::SourceColumn)
                     .data()
                     .toString()
                     .startsWith(QLatin1Char('0')));
    }
    QVERIFY(sawFields);
}

void TestEventTableModel::keepsUpWithEvictionInARealEngine() {
    weir::engine::Engine::Options eo;
    eo.publishInterval = std::chrono::milliseconds(5);
    eo.store.chunkEvents = 512;
    eo.store.memoryBudgetBytes = 256 << 10; // a few chunks
    weir::engine::Engine engine(eo);
    weir::source::DemoSource::Options d;
    d.maxEvents = 30000;
    d.startTimeNs = StoreFeeder::kBaseNs;
    engine.addSource(std::make_unique<weir::source::DemoSource>(d));

    EventTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    engine.start();
    std::shared_ptr<const weir::engine::Snapshot> snap;
    for (int i = 0; i < 6000; ++i) {
        snap = engine.snapshot();
        model.applySnapshot(snap);
        if (snap->stats.finished)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    QVERIFY(snap->stats.finished);
    engine.stop();
    snap = engine.snapshot();
    model.applySnapshot(snap);

    QVERIFY(snap->stats.evictedEvents > 0);
    QVERIFY(removed.count() > 0);
    for (const auto &args : removed)
        QCOMPARE(args.at(1).toInt(), 0); // always at the top
    QCOMPARE(model.firstIndex(), snap->events.firstIndex());
    QCOMPARE(model.endIndex(), snap->events.endIndex());
    const QModelIndex top = model.index(0, EventTableModel::MessageColumn);
    QCOMPARE(top.data(EventTableModel::EventIndexRole).toULongLong(),
             qulonglong(snap->events.firstIndex()));
    const std::string_view raw = snap->events.at(snap->events.firstIndex()).raw();
    QCOMPARE(top.data(EventTableModel::RawRole).toByteArray(),
             QByteArray(raw.data(), int(raw.size())));
}

QTEST_MAIN(TestEventTableModel)
#include "test_event_table_model.moc"
