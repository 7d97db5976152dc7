package io.vsync.api;

/** A group operation that needs membership was called on a group that is not joined. */
public class NotJoinedException extends VsyncException {
    public NotJoinedException(String group, GroupStatus status) {
        super("group '" + group + "' is not joined (status " + status + "): call join() first");
    }
}
