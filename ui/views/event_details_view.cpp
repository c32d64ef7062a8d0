// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/event_details_view.h"

#include "models/event_table_model.h"

#include <QFontDatabase>
#include <QJsonDocument>
#include <QJsonParseError>
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
    const QByteArray raw = row.data(EventTableModel::RawRole).toByteArray();
    text += tr("\nRaw\n");
    text += QString::fromUtf8(raw);
    text += QLatin1Char('\n');
    const QVariantList fields = row.data(EventTableModel::FieldsRole).toList();
    if (!fields.isEmpty())
        text += tr("\nFields (%1)").arg(fields.size());
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
    // A JSON line (or a JSON object after a prefix, as in many app logs), pretty-printed.
    const int brace = raw.indexOf('{');
    if (brace >= 0) {
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(raw.mid(brace), &err);
        if (err.error == QJsonParseError::NoError && doc.isObject()) {
            text += tr("\n\nJSON\n");
            text += QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
        }
    }
    setPlainText(text);
}

} // namespace weir::ui
