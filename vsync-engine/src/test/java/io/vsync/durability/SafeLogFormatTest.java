package io.vsync.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vsync.api.MemberId;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SafeLogFormatTest {

    private static final MemberId A = new MemberId("127.0.0.1:7800", 5);

    static List<SafeRecord> samples() {
        return List.of(
                new SafeRecord.ViewInstalled(3, List.of(A, new MemberId("h:2", 9)), true),
                new SafeRecord.SafeData(3, A, 0, 1, 11, true, new byte[] {1, 2, 3}),
                new SafeRecord.Token(3, 1, new int[] {0, 1}, new long[] {1, 4}),
                new SafeRecord.Cut(3, new long[] {1, 0}, 1),
                new SafeRecord.Checkpoint(3, 1, 2));
    }

    private static byte[] file(List<SafeRecord> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        records.forEach(r -> out.writeBytes(SafeLogFormat.encode(r)));
        return out.toByteArray();
    }

    @Test
    void everyRecordKindReadsBackAsWritten() {
        List<SafeRecord> back = SafeLogFormat.decodeAll("f", ByteBuffer.wrap(file(samples()))).records();
        assertThat(back).hasSize(5);
        assertThat(back.get(0)).isEqualTo(samples().get(0));
        SafeRecord.SafeData d = (SafeRecord.SafeData) back.get(1);
        assertThat(d.payload()).containsExactly(1, 2, 3);
        assertThat(d.sender()).isEqualTo(A);
        assertThat(((SafeRecord.Token) back.get(2)).seqs()).containsExactly(1, 4);
        assertThat(((SafeRecord.Cut) back.get(3)).trim()).containsExactly(1, 0);
        assertThat(back.get(4)).isEqualTo(samples().get(4));
    }

    @Test
    void theCompactedMarkerReadsBackAsWrittenAndACountBeyondTheRecordIsCorruption() {
        SafeRecord.Compacted marker = new SafeRecord.Compacted(3, 40, 7, new int[] {2, 0}, new long[] {9, 12});
        byte[] bytes = SafeLogFormat.encode(marker);
        SafeRecord.Compacted back = (SafeRecord.Compacted) SafeLogFormat.decodeAll("f", ByteBuffer.wrap(bytes))
                .records().get(0);
        assertThat(back.viewId()).isEqualTo(3);
        assertThat(back.covered()).isEqualTo(40);
        assertThat(back.nextToken()).isEqualTo(7);
        assertThat(back.ranks()).containsExactly(2, 0);
        assertThat(back.seqs()).containsExactly(9, 12);

        byte[] lying = file(List.of(marker, samples().get(4)));
        int countAt = SafeLogFormat.HEADER + 1 + 8 * 3;
        ByteBuffer.wrap(lying).putInt(countAt, 1_000);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(lying, SafeLogFormat.HEADER, bytes.length - SafeLogFormat.HEADER);
        ByteBuffer.wrap(lying).putInt(4, (int) crc.getValue());
        assertThatThrownBy(() -> SafeLogFormat.decodeAll("f", ByteBuffer.wrap(lying)))
                .isInstanceOf(SafeLogException.class).hasMessageContaining("malformed record at offset 0");
    }

    @Test
    void aTornTailAtAnyByteIsDroppedAndEverythingBeforeItKept() {
        byte[] whole = file(samples());
        int lastStart = whole.length - SafeLogFormat.encode(samples().get(4)).length;
        for (int cut = lastStart; cut < whole.length; cut++) {
            SafeLogFormat.Contents contents = SafeLogFormat.decodeAll("f", ByteBuffer.wrap(Arrays.copyOf(whole, cut)));
            assertThat(contents.records()).as("cut at " + cut).hasSize(4);
            assertThat(contents.tornTail()).isEqualTo(cut > lastStart);
        }
    }

    @Test
    void aGarbledLastRecordIsATornWriteNotCorruption() {
        byte[] whole = file(samples());
        whole[whole.length - 1] ^= 0x55;
        assertThat(SafeLogFormat.decodeAll("f", ByteBuffer.wrap(whole)).records()).hasSize(4);
    }

    @Test
    void corruptionBeforeTheEndIsAnErrorNamingTheFile() {
        byte[] whole = file(samples());
        whole[SafeLogFormat.HEADER + 3] ^= 0x55;
        assertThatThrownBy(() -> SafeLogFormat.decodeAll("/logs/g/seg-1.log", ByteBuffer.wrap(whole)))
                .isInstanceOf(SafeLogException.class).hasMessageContaining("/logs/g/seg-1.log")
                .hasMessageContaining("checksum");
    }

    @Test
    void aRecordWhoseCountsExceedItIsMalformedNotAnAllocation() {
        byte[] record = SafeLogFormat.encode(new SafeRecord.Cut(1, new long[] {1}, 0));
        ByteBuffer body = ByteBuffer.wrap(record);
        // The count of trim entries sits after type, view id and token trim: claim a huge one, fix the CRC.
        body.putInt(SafeLogFormat.HEADER + 1 + 16, Integer.MAX_VALUE);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(record, SafeLogFormat.HEADER, record.length - SafeLogFormat.HEADER);
        body.putInt(4, (int) crc.getValue());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(record);
        out.writeBytes(SafeLogFormat.encode(samples().get(4)));
        assertThatThrownBy(() -> SafeLogFormat.decodeAll("seg-7.log", ByteBuffer.wrap(out.toByteArray())))
                .isInstanceOf(SafeLogException.class).hasMessageContaining("seg-7.log").hasMessageContaining("malformed");
    }
}
