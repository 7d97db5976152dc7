package io.vsync.realprocess;

/**
 * The load's query: every member answers with its state where the query was delivered.
 *
 * @param from the asking process's name
 * @param seq  the asker's running number of the load step that asked
 */
public record Probe(String from, long seq) {
}
