package io.vsync.history;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;
import io.vsync.api.View;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.vsync.history.HistoryBuilder.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The history file format: written by {@link HistoryFileWriter}, read by {@link HistoryFiles}. */
class HistoryFilesTest {

    static final MemberId A = member("a");
    static final MemberId B = member("b");
    static final MemberId C = member("c");

    @TempDir
    Path dir;

    static List<HistoryEvent> oneOfEach() {
        return List.of(
                HistoryEvent.ViewInstalled.of(A, new View("g", 1, List.of(A, B), List.of(A, B), List.of(), List.of())),
                HistoryEvent.ViewInstalled.of(B, new View("g.2-x_y", 7, List.of(B), List.of(), List.of(C), List.of(A))),
                new HistoryEvent.Sent("g", A, 3, 1, DeliveryKind.ORDERED),
                new HistoryEvent.Delivered("g", B, A, 3, 1, DeliveryKind.ORDERED),
                new HistoryEvent.Delivered("g", B, A, 4, 1, DeliveryKind.P2P),
                new HistoryEvent.Partitioned("g", C, 1),
                new HistoryEvent.Left("g", A),
                new HistoryEvent.Replied("g", B, A, 3, 1, -42),
                new HistoryEvent.ReplyReceived("g", A, B, 3, -42),
                new HistoryEvent.StateSent("g", A, C, 2, 7),
                new HistoryEvent.StateLoaded("g", C, A, 2, 7));
    }

    static Path write(Path file, List<HistoryEvent> events) throws IOException {
        try (HistoryFileWriter writer = HistoryFileWriter.create(file)) {
            events.forEach(writer::write);
        }
        return file;
    }

    static void appendRaw(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    @Test
    void everyKindOfEventSurvivesARoundTrip() throws IOException {
        Path file = write(dir.resolve("a.history"), oneOfEach());

        assertThat(HistoryFiles.read(file)).containsExactlyElementsOf(oneOfEach());
    }

    @Test
    void eachEventIsOneTabSeparatedLineWithEmptyListsAsDash() throws IOException {
        Path file = write(dir.resolve("a.history"), oneOfEach());

        assertThat(Files.readAllLines(file)).containsExactly(
                "V\tg\ta:7800#1\t1\ta:7800#1,b:7800#1\ta:7800#1,b:7800#1\t-\t-",
                "V\tg.2-x_y\tb:7800#1\t7\tb:7800#1\t-\tc:7800#1\ta:7800#1",
                "S\tg\ta:7800#1\t3\t1\tORDERED",
                "D\tg\tb:7800#1\ta:7800#1\t3\t1\tORDERED",
                "D\tg\tb:7800#1\ta:7800#1\t4\t1\tP2P",
                "P\tg\tc:7800#1\t1",
                "L\tg\ta:7800#1",
                "QA\tg\tb:7800#1\ta:7800#1\t3\t1\t-42",
                "QR\tg\ta:7800#1\tb:7800#1\t3\t-42",
                "SS\tg\ta:7800#1\tc:7800#1\t2\t7",
                "SL\tg\tc:7800#1\ta:7800#1\t2\t7");
    }

    @Test
    void theListenerCallsAreWrittenAsEvents() throws IOException {
        Path file = dir.resolve("listener.history");
        View view = new View("g", 1, List.of(A), List.of(A), List.of(), List.of());
        try (HistoryFileWriter writer = HistoryFileWriter.create(file)) {
            writer.viewInstalled(A, view);
            writer.sent("g", A, 1, 1, DeliveryKind.FIFO);
            writer.delivered("g", A, A, 1, 1, DeliveryKind.FIFO);
            writer.partitioned("g", A, 1);
            writer.left("g", A);
        }

        assertThat(HistoryFiles.read(file)).containsExactly(
                HistoryEvent.ViewInstalled.of(A, view),
                new HistoryEvent.Sent("g", A, 1, 1, DeliveryKind.FIFO),
                new HistoryEvent.Delivered("g", A, A, 1, 1, DeliveryKind.FIFO),
                new HistoryEvent.Partitioned("g", A, 1),
                new HistoryEvent.Left("g", A));
    }

    @Test
    void aTornLastLineLeftByAKilledWriterIsIgnored() throws IOException {
        Path file = write(dir.resolve("killed.history"), oneOfEach());
        appendRaw(file, "D\tg\tb:7800#1\ta:78");

        assertThat(HistoryFiles.read(file)).containsExactlyElementsOf(oneOfEach());
    }

    @Test
    void aTornMultiByteCharacterAtTheEndIsIgnoredToo() throws IOException {
        Path file = write(dir.resolve("killed.history"), oneOfEach());
        Files.write(file, new byte[] {'L', '\t', 'g', '\t', (byte) 0xC3}, StandardOpenOption.APPEND);

        assertThat(HistoryFiles.read(file)).containsExactlyElementsOf(oneOfEach());
    }

    @Test
    void aMalformedCompleteLineIsRejectedNamingFileAndLineNumber() throws IOException {
        Path file = dir.resolve("bad.history");
        Files.writeString(file, "L\tg\ta:7800#1\nS\tg\ta:7800#1\tthree\t1\tFIFO\nL\tg\tb:7800#1\n");

        assertThatThrownBy(() -> HistoryFiles.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("line 2")
                .hasMessageContaining("bad msgNo 'three'");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "X\tg\ta:7800#1",
            "L\tg",
            "L\tg\ta:7800#1\textra",
            "L\tbad group\ta:7800#1",
            "L\tg\tnot-a-member",
            "S\tg\ta:7800#1\t1\t1\tBROADCAST",
            "P\tg\ta:7800#1\tview",
            "QA\tg\ta:7800#1\tb:7800#1\t3\t1",
            "SL\tg\ta:7800#1\tb:7800#1\t3\tdigest",
            "V\tg\ta:7800#1\t1\t-\t-\t-\t-",
            "V\tg\ta:7800#1\t1\ta:7800#1,\t-\t-\t-",
    })
    void malformedLinesAreRejected(String line) throws IOException {
        Path file = dir.resolve("bad.history");
        Files.writeString(file, line + "\n");

        assertThatThrownBy(() -> HistoryFiles.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("history file " + file + " line 1: ");
    }

    @Test
    void anEmptyFileHoldsNoEvents() throws IOException {
        Path file = Files.createFile(dir.resolve("empty.history"));

        assertThat(HistoryFiles.read(file)).isEmpty();
    }

    @Test
    void readAllConcatenatesFilesInTheOrderGiven() throws IOException {
        List<HistoryEvent> events = oneOfEach();
        Path first = write(dir.resolve("1.history"), events.subList(0, 3));
        Path second = write(dir.resolve("2.history"), events.subList(3, events.size()));

        assertThat(HistoryFiles.readAll(List.of(first, second))).containsExactlyElementsOf(events);
    }

    @Test
    void appendingAfterAKillCutsTheTornLineSoTheNextLineStaysWhole() throws IOException {
        Path file = write(dir.resolve("restarted.history"), oneOfEach().subList(0, 3));
        appendRaw(file, "D\tg\tb:78");
        try (HistoryFileWriter writer = HistoryFileWriter.append(file)) {
            oneOfEach().subList(3, oneOfEach().size()).forEach(writer::write);
        }

        assertThat(HistoryFiles.read(file)).containsExactlyElementsOf(oneOfEach());
    }

    @Test
    void appendingCreatesAMissingFile() throws IOException {
        Path file = dir.resolve("new.history");
        try (HistoryFileWriter writer = HistoryFileWriter.append(file)) {
            writer.left("g", A);
        }

        assertThat(HistoryFiles.read(file)).containsExactly(new HistoryEvent.Left("g", A));
    }

    @Test
    void flushPutsBufferedLinesOnDiskWithoutClosing() throws IOException {
        Path file = dir.resolve("flushed.history");
        try (HistoryFileWriter writer = HistoryFileWriter.create(file)) {
            writer.left("g", A);
            writer.flush();

            assertThat(HistoryFiles.read(file)).containsExactly(new HistoryEvent.Left("g", A));
        }
    }

    @Test
    void anEventThatCannotBeWrittenIsReportedByFlushAndCloseNotThrownAtTheProtocol() throws IOException {
        Path file = dir.resolve("failed.history");
        HistoryFileWriter writer = HistoryFileWriter.create(file);
        writer.left("bad group", A);
        writer.left("g", B);

        assertThatThrownBy(writer::flush).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("incomplete")
                .hasRootCauseMessage("group name 'bad group' cannot be written to a history file"
                        + " (want [A-Za-z0-9._-]+)");
        assertThatThrownBy(writer::close).isInstanceOf(IOException.class);
        assertThat(HistoryFiles.read(file)).isEmpty();
    }

    @Test
    void memberIdsThatWouldBreakTheLineAreRefused() throws IOException {
        HistoryFileWriter writer = HistoryFileWriter.create(dir.resolve("refused.history"));
        writer.left("g", new MemberId("a,b:1", 1));

        assertThatThrownBy(writer::close).isInstanceOf(IOException.class)
                .hasRootCauseMessage("member id 'a,b:1#1' contains a tab, comma or line break"
                        + " and cannot be written to a history file");
    }

    @Test
    void eventsAfterCloseAreDroppedAndCloseIsIdempotent() throws IOException {
        Path file = dir.resolve("closed.history");
        HistoryFileWriter writer = HistoryFileWriter.create(file);
        writer.left("g", A);
        writer.close();
        writer.left("g", B);
        writer.close();
        writer.flush();

        assertThat(HistoryFiles.read(file)).containsExactly(new HistoryEvent.Left("g", A));
    }

    @Test
    void concurrentWritersProduceWholeLinesInEachThreadsOrder() throws Exception {
        Path file = dir.resolve("shared.history");
        int threads = 4;
        int perThread = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (HistoryFileWriter writer = HistoryFileWriter.create(file)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                MemberId self = member("m" + t);
                done.add(pool.submit(() -> {
                    for (int n = 1; n <= perThread; n++) {
                        writer.sent("g", self, n, 1, DeliveryKind.FIFO);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        List<HistoryEvent> events = HistoryFiles.read(file);
        assertThat(events).hasSize(threads * perThread);
        for (int t = 0; t < threads; t++) {
            MemberId self = member("m" + t);
            assertThat(events.stream().filter(e -> e.member().equals(self))
                    .mapToLong(e -> ((HistoryEvent.Sent) e).msgNo()))
                    .isSorted().hasSize(perThread);
        }
    }

    @Test
    void readingSharesOneObjectPerMemberAcrossFiles() throws IOException {
        Path first = write(dir.resolve("1.history"), List.of(new HistoryEvent.Left("g", A)));
        Path second = write(dir.resolve("2.history"), List.of(new HistoryEvent.Partitioned("g", member("a"), 1)));

        List<HistoryEvent> events = HistoryFiles.readAll(List.of(first, second));

        assertThat(events.get(1).member()).isSameAs(events.get(0).member());
    }

    @Test
    void aHistoryWrittenOneFilePerMemberChecksLikeTheOriginalOnceReadBack() throws IOException {
        HistoryBuilder valid = ValidHistoryTest.validHistory();
        Map<MemberId, HistoryFileWriter> writers = new LinkedHashMap<>();
        for (HistoryEvent event : valid.events()) {
            HistoryFileWriter writer = writers.get(event.member());
            if (writer == null) {
                writer = HistoryFileWriter.create(dir.resolve(event.member().address() + "-"
                        + event.member().incarnation() + ".history"));
                writers.put(event.member(), writer);
            }
            writer.write(event);
        }
        List<Path> files = new ArrayList<>();
        for (HistoryFileWriter writer : writers.values()) {
            writer.close();
            files.add(writer.file());
        }

        CheckResult result = new Checker().check(HistoryFiles.readAll(files), CheckOptions.quiescent());

        Verdicts.assertHolds(result);
        assertThat(result.events()).isEqualTo(valid.size());
    }

    @Test
    void aHistoryReadBackFromFilesChecksLikeTheOriginal() throws IOException {
        HistoryBuilder valid = ValidHistoryTest.validHistory();
        Path file = write(dir.resolve("valid.history"), valid.events());

        CheckResult result = new Checker().check(HistoryFiles.read(file), CheckOptions.quiescent());

        Verdicts.assertHolds(result);
        assertThat(result.events()).isEqualTo(valid.size());
    }
}
