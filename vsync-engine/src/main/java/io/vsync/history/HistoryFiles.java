package io.vsync.history;

import io.vsync.api.MemberId;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads history files written by {@link HistoryFileWriter}. */
public final class HistoryFiles {

    private static final int MAX_QUOTED_CHARS = 200;

    private HistoryFiles() {
    }

    /**
     * The events of one file, in file order. A last line without a line break is ignored: it
     * is what a writer killed mid-line leaves behind.
     *
     * @throws IllegalArgumentException naming the file and line number of the first complete
     *                                  line that is not a valid event
     */
    public static List<HistoryEvent> read(Path file) throws IOException {
        List<HistoryEvent> events = new ArrayList<>();
        read(file, events, new HashMap<>());
        return events;
    }

    /** The events of all {@code files}, one file after another. */
    public static List<HistoryEvent> readAll(Collection<Path> files) throws IOException {
        List<HistoryEvent> events = new ArrayList<>();
        Map<String, MemberId> knownMembers = new HashMap<>();
        for (Path file : files) {
            read(file, events, knownMembers);
        }
        return events;
    }

    private static void read(Path file, List<HistoryEvent> events, Map<String, MemberId> knownMembers)
            throws IOException {
        // InputStreamReader replaces undecodable bytes instead of throwing, so a torn UTF-8
        // sequence at the very end cannot fail the read before the torn line is dropped.
        try (Reader in = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8)) {
            char[] chunk = new char[64 * 1024];
            StringBuilder line = new StringBuilder(128);
            long lineNo = 0;
            int n;
            while ((n = in.read(chunk)) != -1) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (chunk[i] == '\n') {
                        line.append(chunk, start, i - start);
                        events.add(parse(file, ++lineNo, line, knownMembers));
                        line.setLength(0);
                        start = i + 1;
                    }
                }
                line.append(chunk, start, n - start);
            }
        }
    }

    private static HistoryEvent parse(Path file, long lineNo, StringBuilder line,
                                      Map<String, MemberId> knownMembers) {
        if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
            line.setLength(line.length() - 1);
        }
        String text = line.toString();
        try {
            return HistoryLineFormat.parse(text, knownMembers);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("history file " + file + " line " + lineNo + ": "
                    + e.getMessage() + ": \"" + quote(text) + "\"", e);
        }
    }

    private static String quote(String text) {
        String shown = text.replace("\t", "\\t");
        return shown.length() <= MAX_QUOTED_CHARS ? shown : shown.substring(0, MAX_QUOTED_CHARS) + "…";
    }
}
