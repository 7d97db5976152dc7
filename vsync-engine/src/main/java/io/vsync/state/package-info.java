/**
 * State transfer decisions without I/O: at each view, who writes a checkpoint for whom and
 * who must load one before delivering anything. The runtime's {@code GroupHandle} and the
 * simulator's application take the same decisions from {@link io.vsync.state.Admission}.
 */
package io.vsync.state;
