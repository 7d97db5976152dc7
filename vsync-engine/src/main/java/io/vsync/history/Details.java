package io.vsync.history;

import java.util.Collection;
import java.util.Iterator;

/** Text helpers for violation details, which must stay readable when lists are long. */
final class Details {

    /** Items listed in one detail before the rest is summarised as a count. */
    static final int MAX_LISTED = 10;

    private Details() {
    }

    /** {@code [a, b, c]}, or {@code [a, b, … and 7 more]} past {@link #MAX_LISTED} items. */
    static String list(Collection<?> items) {
        StringBuilder text = new StringBuilder("[");
        Iterator<?> it = items.iterator();
        int shown = 0;
        while (it.hasNext() && shown < MAX_LISTED) {
            if (shown > 0) {
                text.append(", ");
            }
            text.append(it.next());
            shown++;
        }
        if (items.size() > shown) {
            text.append(", … and ").append(items.size() - shown).append(" more");
        }
        return text.append(']').toString();
    }
}
