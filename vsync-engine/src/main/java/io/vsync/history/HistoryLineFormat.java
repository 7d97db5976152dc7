package io.vsync.history;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;
import io.vsync.api.View;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The text form of one event: one line, tab-separated fields, the first naming the event.
 * <pre>
 * V  group  member  viewId  members  joined  left  failed
 * S  group  member  msgNo   viewId   KIND
 * D  group  member  sender  msgNo    viewId  KIND
 * P  group  member  viewId
 * L  group  member
 * QA group  member  asker   requestMsgNo viewId value     (query answered)
 * QR group  member  from    requestMsgNo value            (query reply received)
 * SS group  member  joiner  viewId   digest               (state sent)
 * SL group  member  donor   viewId   digest               (state loaded)
 * </pre>
 * Member lists are comma-separated {@link MemberId#toString()} forms, an empty list is
 * {@code -}. Files written before the query and state lines existed read unchanged. Kept apart from the file handling so that the format has one place to change.
 */
final class HistoryLineFormat {

    static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final String EMPTY_LIST = "-";

    private HistoryLineFormat() {
    }

    /** The line for {@code event}, without the line break. */
    static String format(HistoryEvent event) {
        StringBuilder line = new StringBuilder(64);
        // Plain instanceof chain: pattern matching for switch is not final in Java 17.
        if (event instanceof HistoryEvent.ViewInstalled v) {
            View view = v.view();
            start(line, "V", v).append('\t').append(view.id());
            appendList(line, view.members());
            appendList(line, view.joined());
            appendList(line, view.left());
            appendList(line, view.failed());
        } else if (event instanceof HistoryEvent.Sent s) {
            start(line, "S", s)
                    .append('\t').append(s.msgNo())
                    .append('\t').append(s.viewId())
                    .append('\t').append(s.kind().name());
        } else if (event instanceof HistoryEvent.Delivered d) {
            start(line, "D", d)
                    .append('\t').append(member(d.sender()))
                    .append('\t').append(d.msgNo())
                    .append('\t').append(d.viewId())
                    .append('\t').append(d.kind().name());
        } else if (event instanceof HistoryEvent.Partitioned p) {
            start(line, "P", p).append('\t').append(p.viewId());
        } else if (event instanceof HistoryEvent.Left l) {
            start(line, "L", l);
        } else if (event instanceof HistoryEvent.Replied r) {
            start(line, "QA", r).append('\t').append(member(r.asker())).append('\t').append(r.requestMsgNo())
                    .append('\t').append(r.viewId()).append('\t').append(r.value());
        } else if (event instanceof HistoryEvent.ReplyReceived r) {
            start(line, "QR", r).append('\t').append(member(r.from())).append('\t').append(r.requestMsgNo())
                    .append('\t').append(r.value());
        } else if (event instanceof HistoryEvent.StateSent s) {
            start(line, "SS", s).append('\t').append(member(s.joiner())).append('\t').append(s.viewId())
                    .append('\t').append(s.digest());
        } else if (event instanceof HistoryEvent.StateLoaded s) {
            start(line, "SL", s).append('\t').append(member(s.donor())).append('\t').append(s.viewId())
                    .append('\t').append(s.digest());
        } else {
            throw new IllegalArgumentException("unknown event " + event);
        }
        return line.toString();
    }

    /**
     * Parses one complete line.
     *
     * @param knownMembers member ids parsed so far, by text: one object per member keeps a
     *                     large history small and makes comparing members cheap
     * @throws IllegalArgumentException saying what is wrong with the line
     */
    static HistoryEvent parse(String line, Map<String, MemberId> knownMembers) {
        String[] f = line.split("\t", -1);
        String type = f[0];
        return switch (type) {
            case "V" -> {
                fields(f, 8, "V group member viewId members joined left failed");
                String group = group(f[1]);
                View view = new View(group, number(f[3], "viewId"),
                        memberList(f[4], "members", knownMembers),
                        memberList(f[5], "joined", knownMembers),
                        memberList(f[6], "left", knownMembers),
                        memberList(f[7], "failed", knownMembers));
                yield new HistoryEvent.ViewInstalled(group, memberId(f[2], "member", knownMembers), view);
            }
            case "S" -> {
                fields(f, 6, "S group member msgNo viewId KIND");
                yield new HistoryEvent.Sent(group(f[1]), memberId(f[2], "member", knownMembers),
                        number(f[3], "msgNo"), number(f[4], "viewId"), kind(f[5]));
            }
            case "D" -> {
                fields(f, 7, "D group member sender msgNo viewId KIND");
                yield new HistoryEvent.Delivered(group(f[1]), memberId(f[2], "member", knownMembers),
                        memberId(f[3], "sender", knownMembers), number(f[4], "msgNo"), number(f[5], "viewId"),
                        kind(f[6]));
            }
            case "P" -> {
                fields(f, 4, "P group member viewId");
                yield new HistoryEvent.Partitioned(group(f[1]), memberId(f[2], "member", knownMembers),
                        number(f[3], "viewId"));
            }
            case "L" -> {
                fields(f, 3, "L group member");
                yield new HistoryEvent.Left(group(f[1]), memberId(f[2], "member", knownMembers));
            }
            case "QA" -> {
                fields(f, 7, "QA group member asker requestMsgNo viewId value");
                yield new HistoryEvent.Replied(group(f[1]), memberId(f[2], "member", knownMembers),
                        memberId(f[3], "asker", knownMembers), number(f[4], "requestMsgNo"), number(f[5], "viewId"),
                        number(f[6], "value"));
            }
            case "QR" -> {
                fields(f, 6, "QR group member from requestMsgNo value");
                yield new HistoryEvent.ReplyReceived(group(f[1]), memberId(f[2], "member", knownMembers),
                        memberId(f[3], "from", knownMembers), number(f[4], "requestMsgNo"), number(f[5], "value"));
            }
            case "SS" -> {
                fields(f, 6, "SS group member joiner viewId digest");
                yield new HistoryEvent.StateSent(group(f[1]), memberId(f[2], "member", knownMembers),
                        memberId(f[3], "joiner", knownMembers), number(f[4], "viewId"), number(f[5], "digest"));
            }
            case "SL" -> {
                fields(f, 6, "SL group member donor viewId digest");
                yield new HistoryEvent.StateLoaded(group(f[1]), memberId(f[2], "member", knownMembers),
                        memberId(f[3], "donor", knownMembers), number(f[4], "viewId"), number(f[5], "digest"));
            }
            default -> throw new IllegalArgumentException(
                    "unknown event type '" + type + "' (want V, S, D, P, L, QA, QR, SS or SL)");
        };
    }

    private static StringBuilder start(StringBuilder line, String type, HistoryEvent event) {
        if (!GROUP_NAME.matcher(event.group()).matches()) {
            throw new IllegalArgumentException("group name '" + event.group()
                    + "' cannot be written to a history file (want [A-Za-z0-9._-]+)");
        }
        return line.append(type).append('\t').append(event.group()).append('\t').append(member(event.member()));
    }

    private static void appendList(StringBuilder line, List<MemberId> members) {
        line.append('\t');
        if (members.isEmpty()) {
            line.append(EMPTY_LIST);
            return;
        }
        for (int i = 0; i < members.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(member(members.get(i)));
        }
    }

    /** A member's text form, refused when it would break the line's structure on reading. */
    private static String member(MemberId member) {
        String text = member.toString();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\t' || c == ',' || c == '\n' || c == '\r') {
                throw new IllegalArgumentException("member id '" + text
                        + "' contains a tab, comma or line break and cannot be written to a history file");
            }
        }
        return text;
    }

    private static void fields(String[] f, int expected, String layout) {
        if (f.length != expected) {
            throw new IllegalArgumentException("expected " + expected + " tab-separated fields ("
                    + layout + "), found " + f.length);
        }
    }

    private static String group(String text) {
        if (!GROUP_NAME.matcher(text).matches()) {
            throw new IllegalArgumentException("bad group name '" + text + "' (want [A-Za-z0-9._-]+)");
        }
        return text;
    }

    private static long number(String text, String field) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + field + " '" + text + "' (want an integer)");
        }
    }

    private static MemberId memberId(String text, String field, Map<String, MemberId> knownMembers) {
        MemberId known = knownMembers.get(text);
        if (known != null) {
            return known;
        }
        try {
            MemberId member = MemberId.parse(text);
            knownMembers.put(text, member);
            return member;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad " + field + ": " + e.getMessage());
        }
    }

    private static List<MemberId> memberList(String text, String field, Map<String, MemberId> knownMembers) {
        if (text.equals(EMPTY_LIST)) {
            return List.of();
        }
        List<MemberId> members = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            members.add(memberId(item, field, knownMembers));
        }
        return members;
    }

    private static DeliveryKind kind(String text) {
        try {
            return DeliveryKind.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad delivery kind '" + text + "' (want one of "
                    + List.of(DeliveryKind.values()) + ")");
        }
    }
}
