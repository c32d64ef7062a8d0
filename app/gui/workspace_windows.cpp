// SPDX-License-Identifier: GPL-3.0-or-later
#include "workspace_windows.h"

#include <QJsonObject>
#include <QStringList>

namespace weir::app {

namespace {

// JSON names and the setup's fields, in the order they are written.
struct FieldName {
    const char *json;
    const char *setup; // the field name in parseWindowSetup's messages
    std::string window::WindowSetupText::*member;
};

const FieldName kFields[] = {
    {"window", "window", &window::WindowSetupText::window},
    {"key", "keys", &window::WindowSetupText::keys},
    {"agg", "aggs", &window::WindowSetupText::aggs},
    {"lateness", "lateness", &window::WindowSetupText::lateness},
    {"outOfOrder", "out-of-order", &window::WindowSetupText::outOfOrder},
    {"idleTimeout", "idle-timeout", &window::WindowSetupText::idleTimeout},
    {"early", "early", &window::WindowSetupText::early},
    {"mode", "mode", &window::WindowSetupText::mode},
    {"dedup", "dedup", &window::WindowSetupText::dedup},
    {"dedupTtl", "dedup-ttl", &window::WindowSetupText::dedupTtl},
};

} // namespace

QJsonArray windowSetupsToJson(const std::vector<window::WindowSetupText> &setups) {
    QJsonArray out;
    for (const window::WindowSetupText &s : setups) {
        QJsonObject o;
        for (const FieldName &f : kFields)
            o.insert(QLatin1String(f.json), QString::fromStdString(s.*f.member));
        out.append(o);
    }
    return out;
}

bool windowSetupsFromJson(const QJsonValue &windows, std::vector<window::WindowSetupText> *out,
                          QString *error) {
    if (!windows.isArray()) {
        *error = QStringLiteral("windows: expected a list of window pipelines");
        return false;
    }
    std::vector<window::WindowSetupText> setups;
    const QJsonArray list = windows.toArray();
    for (int i = 0; i < list.size(); ++i) {
        const QString at = QStringLiteral("windows[%1]").arg(i);
        if (!list[i].isObject()) {
            *error = at + QStringLiteral(": expected an object");
            return false;
        }
        const QJsonObject o = list[i].toObject();
        window::WindowSetupText s;
        for (const FieldName &f : kFields) {
            const QJsonValue v = o.value(QLatin1String(f.json));
            if (v.isUndefined() || v.isNull())
                continue;
            if (v.isString()) {
                s.*f.member = v.toString().toStdString();
            } else if (v.isArray() && (f.member == &window::WindowSetupText::keys ||
                                       f.member == &window::WindowSetupText::dedup)) {
                QStringList names;
                for (const QJsonValue &name : v.toArray()) {
                    if (!name.isString()) {
                        *error =
                            at +
                            QStringLiteral(".%1: expected field names").arg(QLatin1String(f.json));
                        return false;
                    }
                    names << name.toString();
                }
                s.*f.member = names.join(QLatin1Char(',')).toStdString();
            } else {
                *error = at + QStringLiteral(".%1: expected a string").arg(QLatin1String(f.json));
                return false;
            }
        }
        if (s.window.empty()) {
            *error = at + QStringLiteral(".window: missing (fixed:60s, sliding:60s/10s, "
                                         "session:30s or global)");
            return false;
        }
        window::WindowSetup parsed;
        std::string why;
        if (!window::parseWindowSetup(s, parsed, &why)) {
            // "<field>: <reason>" with the setup's field name: the JSON one instead.
            QString message = QString::fromStdString(why);
            for (const FieldName &f : kFields) {
                const QString prefix = QLatin1String(f.setup) + QLatin1Char(':');
                if (message.startsWith(prefix)) {
                    message = QLatin1String(f.json) + message.mid(prefix.size() - 1);
                    break;
                }
            }
            *error = at + QLatin1Char('.') + message;
            return false;
        }
        setups.push_back(std::move(s));
    }
    *out = std::move(setups);
    return true;
}

} // namespace weir::app
