package io.vsync.security;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Big-endian byte writing and bounds-checked reading for the secure envelopes. */
final class Bin {
    static final int MAX_STRING_BYTES = 255;

    private Bin() {
    }

    /** An envelope that cannot be parsed. Checked and without a stack trace: hostile input is routine. */
    static final class BadEnvelope extends Exception {
        BadEnvelope(String reason) {
            super(reason, null, false, false);
        }
    }

    static final class Writer {
        private byte[] buf;
        private int pos;

        Writer(int expected) {
            buf = new byte[Math.max(16, expected)];
        }

        private void ensure(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }

        Writer u8(int v) {
            ensure(1);
            buf[pos++] = (byte) v;
            return this;
        }

        Writer i64(long v) {
            ensure(8);
            for (int i = 7; i >= 0; i--) {
                buf[pos++] = (byte) (v >>> (8 * i));
            }
            return this;
        }

        Writer bytes(byte[] b) {
            return bytes(b, 0, b.length);
        }

        Writer bytes(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, pos, len);
            pos += len;
            return this;
        }

        Writer string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > MAX_STRING_BYTES) {
                throw new IllegalArgumentException("string of " + b.length + " bytes on a secure envelope");
            }
            u8(b.length);
            return bytes(b);
        }

        /** Reserves {@code n} bytes (filled later) and returns their offset. */
        int skip(int n) {
            ensure(n);
            int at = pos;
            pos += n;
            return at;
        }

        int position() {
            return pos;
        }

        byte[] array() {
            return buf;
        }

        byte[] toBytes() {
            return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
        }
    }

    static final class Reader {
        private final byte[] buf;
        private int pos;
        private final int end;

        Reader(byte[] buf) {
            this(buf, 0, buf.length);
        }

        Reader(byte[] buf, int from, int end) {
            this.buf = buf;
            this.pos = from;
            this.end = end;
        }

        private void need(int n, String what) throws BadEnvelope {
            if (n < 0 || end - pos < n) {
                throw new BadEnvelope("truncated " + what);
            }
        }

        int u8() throws BadEnvelope {
            need(1, "byte");
            return buf[pos++] & 0xFF;
        }

        long i64() throws BadEnvelope {
            need(8, "long");
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (buf[pos++] & 0xFF);
            }
            return v;
        }

        byte[] bytes(int n, String what) throws BadEnvelope {
            need(n, what);
            byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return b;
        }

        String string(String what) throws BadEnvelope {
            int n = u8();
            need(n, what);
            boolean ascii = true;
            for (int i = pos; i < pos + n; i++) {
                ascii &= buf[i] >= 0;
            }
            if (ascii) { // the usual group and address names: no decoder needed
                String s = new String(buf, pos, n, StandardCharsets.ISO_8859_1);
                pos += n;
                return s;
            }
            try {
                String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(buf, pos, n)).toString();
                pos += n;
                return s;
            } catch (CharacterCodingException e) {
                throw new BadEnvelope(what + " is not UTF-8");
            }
        }

        int position() {
            return pos;
        }

        int remaining() {
            return end - pos;
        }

        void skip(int n, String what) throws BadEnvelope {
            need(n, what);
            pos += n;
        }

        void expectEnd() throws BadEnvelope {
            if (pos != end) {
                throw new BadEnvelope((end - pos) + " trailing bytes");
            }
        }
    }
}
