package io.vsync.tools.perf;

/**
 * A delivered payload read where it lies ({@code array[offset..offset+length)}), as the JGroups
 * harness reads {@code msg.getArray()} at {@code msg.getOffset()}: the benchmark's handlers
 * read a few header fields, so copying each 1000-byte payload out first would measure a copy
 * the harness does not make. Valid only during the handler call.
 */
record RawView(byte[] array, int offset, int length) {

    /** The payload as its own array (a copy). */
    byte[] toBytes() {
        return java.util.Arrays.copyOfRange(array, offset, offset + length);
    }
}
