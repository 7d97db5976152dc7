package io.vsync.durability;

import io.vsync.api.MemberId;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The on-disk form of a {@link SafeRecord}: {@code [int length][int crc32c][byte type][body]},
 * big-endian, the CRC over type and body. Hand-written like the wire format, and as strict:
 * every length is checked before anything is allocated.
 */
final class SafeLogFormat {

    static final int HEADER = 8;
    static final int MAX_RECORD = 80 * 1024 * 1024;

    private static final byte VIEW = 1;
    private static final byte DATA = 2;
    private static final byte TOKEN = 3;
    private static final byte CUT = 4;
    private static final byte CHECKPOINT = 5;
    private static final byte COMPACTED = 6;

    private SafeLogFormat() {
    }

    static byte[] encode(SafeRecord record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeInt(0);
            out.writeInt(0);
            if (record instanceof SafeRecord.ViewInstalled v) {
                    out.writeByte(VIEW);
                    out.writeLong(v.viewId());
                    out.writeBoolean(v.founded());
                    out.writeInt(v.members().size());
                    for (MemberId m : v.members()) {
                        member(out, m);
                    }
            } else if (record instanceof SafeRecord.SafeData d) {
                    out.writeByte(DATA);
                    out.writeLong(d.viewId());
                    member(out, d.sender());
                    out.writeInt(d.rank());
                    out.writeLong(d.seq());
                    out.writeLong(d.msgNo());
                    out.writeBoolean(d.last());
                    out.writeInt(d.payload().length);
                    out.write(d.payload());
            } else if (record instanceof SafeRecord.Token t) {
                    out.writeByte(TOKEN);
                    out.writeLong(t.viewId());
                    out.writeLong(t.tokenSeq());
                    slots(out, t.ranks(), t.seqs());
            } else if (record instanceof SafeRecord.Cut c) {
                    out.writeByte(CUT);
                    out.writeLong(c.viewId());
                    out.writeLong(c.tokenTrim());
                    out.writeInt(c.trim().length);
                    for (long s : c.trim()) {
                        out.writeLong(s);
                    }
            } else if (record instanceof SafeRecord.Checkpoint c) {
                    out.writeByte(CHECKPOINT);
                    out.writeLong(c.viewId());
                    out.writeLong(c.covered());
                    out.writeLong(c.id());
            } else if (record instanceof SafeRecord.Compacted c) {
                    out.writeByte(COMPACTED);
                    out.writeLong(c.viewId());
                    out.writeLong(c.covered());
                    out.writeLong(c.nextToken());
                    slots(out, c.ranks(), c.seqs());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] framed = bytes.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(framed, HEADER, framed.length - HEADER);
        ByteBuffer.wrap(framed).putInt(framed.length - HEADER).putInt((int) crc.getValue());
        return framed;
    }

    private static void slots(DataOutputStream out, int[] ranks, long[] seqs) throws IOException {
        out.writeInt(ranks.length);
        for (int i = 0; i < ranks.length; i++) {
            out.writeInt(ranks[i]);
            out.writeLong(seqs[i]);
        }
    }

    private static void member(DataOutputStream out, MemberId m) throws IOException {
        byte[] address = m.address().getBytes(StandardCharsets.UTF_8);
        out.writeShort(address.length);
        out.write(address);
        out.writeLong(m.incarnation());
    }

    /** What one file holds: its whole records, and whether it ended in a torn record. */
    record Contents(List<SafeRecord> records, boolean tornTail) {
    }

    /**
     * Decodes a whole file. A record cut short at the end, or a bad checksum on the very last
     * record, is a write the crash interrupted: dropped. Anything else malformed is corruption.
     *
     * @throws SafeLogException naming {@code file} and the offset
     */
    static Contents decodeAll(String file, ByteBuffer in) {
        List<SafeRecord> records = new ArrayList<>();
        while (in.hasRemaining()) {
            int start = in.position();
            if (in.remaining() < HEADER) {
                return new Contents(records, true);
            }
            int length = in.getInt();
            int crc = in.getInt();
            if (length <= 0 || length > MAX_RECORD) {
                if (in.remaining() <= Math.max(0, length)) {
                    return new Contents(records, true);
                }
                throw new SafeLogException(file + ": bad record length " + length + " at offset " + start);
            }
            if (in.remaining() < length) {
                return new Contents(records, true);
            }
            CRC32C check = new CRC32C();
            check.update(in.array(), in.arrayOffset() + in.position(), length);
            if ((int) check.getValue() != crc) {
                if (in.remaining() == length) {
                    return new Contents(records, true);
                }
                throw new SafeLogException(file + ": checksum mismatch at offset " + start
                        + " (the log is corrupt; move the file away to start this member without it)");
            }
            ByteBuffer body = in.slice(in.position(), length);
            in.position(in.position() + length);
            try {
                records.add(decode(body));
                if (body.hasRemaining()) {
                    throw new SafeLogException(file + ": record at offset " + start + " has "
                            + body.remaining() + " trailing bytes");
                }
            } catch (BufferUnderflowException | IllegalArgumentException e) {
                throw new SafeLogException(file + ": malformed record at offset " + start + ": " + e, e);
            }
        }
        return new Contents(records, false);
    }

    private static SafeRecord decode(ByteBuffer b) {
        byte type = b.get();
        return switch (type) {
            case VIEW -> {
                long viewId = b.getLong();
                boolean founded = b.get() != 0;
                int n = count(b, 10);
                List<MemberId> members = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    members.add(member(b));
                }
                yield new SafeRecord.ViewInstalled(viewId, members, founded);
            }
            case DATA -> {
                long viewId = b.getLong();
                MemberId sender = member(b);
                int rank = b.getInt();
                long seq = b.getLong();
                long msgNo = b.getLong();
                boolean last = b.get() != 0;
                byte[] payload = new byte[count(b, 1)];
                b.get(payload);
                yield new SafeRecord.SafeData(viewId, sender, rank, seq, msgNo, last, payload);
            }
            case TOKEN -> {
                long viewId = b.getLong();
                long tokenSeq = b.getLong();
                int n = count(b, 12);
                int[] ranks = new int[n];
                long[] seqs = new long[n];
                readSlots(b, ranks, seqs);
                yield new SafeRecord.Token(viewId, tokenSeq, ranks, seqs);
            }
            case CUT -> {
                long viewId = b.getLong();
                long tokenTrim = b.getLong();
                long[] trim = new long[count(b, 8)];
                for (int i = 0; i < trim.length; i++) {
                    trim[i] = b.getLong();
                }
                yield new SafeRecord.Cut(viewId, trim, tokenTrim);
            }
            case CHECKPOINT -> new SafeRecord.Checkpoint(b.getLong(), b.getLong(), b.getLong());
            case COMPACTED -> {
                long viewId = b.getLong();
                long covered = b.getLong();
                long nextToken = b.getLong();
                int n = count(b, 12);
                int[] ranks = new int[n];
                long[] seqs = new long[n];
                readSlots(b, ranks, seqs);
                yield new SafeRecord.Compacted(viewId, covered, nextToken, ranks, seqs);
            }
            default -> throw new IllegalArgumentException("unknown record type " + type);
        };
    }

    private static void readSlots(ByteBuffer b, int[] ranks, long[] seqs) {
        for (int i = 0; i < ranks.length; i++) {
            ranks[i] = b.getInt();
            seqs[i] = b.getLong();
        }
    }

    private static int count(ByteBuffer b, int bytesEach) {
        int n = b.getInt();
        if (n < 0 || (long) n * bytesEach > b.remaining()) {
            throw new IllegalArgumentException("count " + n + " exceeds the record");
        }
        return n;
    }

    private static MemberId member(ByteBuffer b) {
        int length = b.getShort() & 0xffff;
        if (length > b.remaining()) {
            throw new IllegalArgumentException("address length " + length + " exceeds the record");
        }
        byte[] address = new byte[length];
        b.get(address);
        return new MemberId(new String(address, StandardCharsets.UTF_8), b.getLong());
    }
}
