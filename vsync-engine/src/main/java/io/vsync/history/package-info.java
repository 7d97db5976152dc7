/**
 * Recording and checking of protocol histories: the proof that a run kept the guarantees of
 * DESIGN.md §1.
 *
 * <p>Engines and simulated nodes report their visible steps to a
 * {@link io.vsync.api.HistoryListener}: a {@link io.vsync.history.HistoryRecorder} keeps them in
 * memory, a {@link io.vsync.history.HistoryFileWriter} writes them one line each for runs with
 * real processes, read back by {@link io.vsync.history.HistoryFiles}. The
 * {@link io.vsync.history.Checker} then verifies a list of
 * {@link io.vsync.history.HistoryEvent}s and names every broken guarantee with the group,
 * members, view and message involved.
 */
package io.vsync.history;
