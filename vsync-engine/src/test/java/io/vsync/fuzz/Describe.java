package io.vsync.fuzz;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;

/** Record toString with arrays shown: for traces of findings. */
final class Describe {
    private Describe() {
    }

    static String of(Object o) {
        if (o == null) {
            return "null";
        }
        if (o instanceof long[] a) {
            return Arrays.toString(a);
        }
        if (o instanceof byte[] b) {
            return "bytes[" + b.length + "]";
        }
        if (!o.getClass().isRecord()) {
            return String.valueOf(o);
        }
        StringBuilder sb = new StringBuilder(o.getClass().getSimpleName()).append('(');
        RecordComponent[] parts = o.getClass().getRecordComponents();
        for (int i = 0; i < parts.length; i++) {
            try {
                sb.append(i == 0 ? "" : ", ").append(parts[i].getName()).append('=')
                        .append(of(parts[i].getAccessor().invoke(o)));
            } catch (ReflectiveOperationException e) {
                sb.append('?');
            }
        }
        return sb.append(')').toString();
    }
}
