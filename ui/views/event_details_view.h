// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPlainTextEdit>

class QModelIndex;

namespace weir::ui {

// The selected event in full: raw text and typed fields (parsed on demand through the model's
// FieldsRole). Plain text only: log content is never interpreted as markup. GUI thread only.
class EventDetailsView final : public QPlainTextEdit {
    Q_OBJECT

public:
    explicit EventDetailsView(QWidget *parent = nullptr);

    // `index` is any cell of an EventTableModel row; invalid clears the view.
    void setCurrentEvent(const QModelIndex &index);
};

} // namespace weir::ui
