// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/event_details_view.h"

#include "models/event_table_model.h"

#include <QFontDatabase>
#include <QVariantMap>

namespace weir::ui {

EventDetailsView::EventDetailsView(QWidget *parent)
    : QPlainTextEdit(parent) {
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setPlaceholderText(tr("Select an event to see its fields."));
}

void EventDetailsView::setCurrentEvent(const QModelIndex &index) {
    if (!index.isValid()) {
        clear();
        return;
    }
    const QModelIndex row = index.siblingAtColumn(EventTableModel::MessageColumn);
    QString text;
    text += tr("event #%1  line %2  %3  %4\n")
                .arg(row.data(EventTableModel::EventIndexRole).toULongLong())
                .arg(row.data(EventTableModel::PositionRole).toULongLong())
                .arg(row.siblingAtColumn(EventTableModel::TimeColumn).data().toString(),
                     row.siblingAtColumn(EventTableModel::SourceColumn).data().toString());
    text += QString::fromUtf8(row.data(EventTableModel::RawRole).toByteArray());
    text += QLatin1Char('\n');
    const QVariantList fields = row.data(EventTableModel::FieldsRole).toList();
    int nameWidth = 0;
    for (const QVariant &f : fields)
        nameWidth = std::max(nameWidth, f.toMap().value(QStringLiteral("name")).toString().size());
    for (const QVariant &f : fields) {
        const QVariantMap m = f.toMap();
        text += QStringLiteral("\n%1  %2  %3")
                    .arg(m.value(QStringLiteral("name")).toString(), -nameWidth)
                    .arg(m.value(QStringLiteral("type")).toString(), -6)
                    .arg(m.value(QStringLiteral("text")).toString());
    }
    setPlainText(text);
}

} // namespace weir::ui
