package io.vsync.spring.boot.autoconfigure;

/** A {@code host:port} seed, with IPv6 literals in brackets ({@code [::1]:7800}). */
record HostAndPort(String host, int port) {

    static HostAndPort parse(String text) {
        String value = text.trim();
        int colon = value.lastIndexOf(':');
        if (value.isEmpty() || colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException("is not host:port (for example 10.0.0.5:7800 or [::1]:7800)");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || host.length() < 3) {
                throw new IllegalArgumentException("is not host:port: an IPv6 address goes in brackets, as [::1]:7800");
            }
            host = host.substring(1, host.length() - 1);
        }
        else if (host.contains(":")) {
            throw new IllegalArgumentException("is not host:port: an IPv6 address goes in brackets, as [::1]:7800");
        }
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("is not host:port: the host is missing or has spaces");
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        }
        catch (NumberFormatException ex) {
            throw new IllegalArgumentException("is not host:port: the port is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("is not host:port: the port must be between 1 and 65535");
        }
        return new HostAndPort(host, port);
    }

    @Override
    public String toString() {
        return (this.host.contains(":") ? "[" + this.host + "]" : this.host) + ":" + this.port;
    }
}
