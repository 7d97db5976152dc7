package io.vsync.history;

/** The guarantees of DESIGN.md §1 that the {@link Checker} verifies, with their numbers. */
enum Guarantee {
    VIEW_AGREEMENT(1, "view agreement"),
    VIEW_ORDER(2, "view order"),
    SELF_INCLUSION(3, "self-inclusion"),
    PRIMARY_PARTITION(4, "primary partition"),
    VIRTUAL_SYNCHRONY(5, "virtual synchrony"),
    SENDING_VIEW_DELIVERY(6, "sending view delivery"),
    NO_CREATION_NO_DUPLICATION(7, "no creation, no duplication"),
    FIFO(8, "FIFO"),
    CAUSAL(9, "causal order"),
    TOTAL_ORDER(10, "total order"),
    LIVENESS(12, "liveness under stability"),
    STATE_TRANSFER(13, "state transfer"),
    QUERY_REPLIES(14, "query replies");

    final int number;
    final String title;

    Guarantee(int number, String title) {
        this.number = number;
        this.title = title;
    }
}
