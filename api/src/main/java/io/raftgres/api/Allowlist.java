package io.raftgres.api;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Patroni's {@code restapi.allowlist} and {@code allowlist_include_members}: which client
 * addresses may call the write endpoints. Entries are IP addresses, CIDR blocks
 * ({@code 10.0.0.0/8}, {@code fd00::/8}) or host names; host names, and the hosts of the members'
 * advertised REST URLs, are resolved when a request is checked (the JVM caches lookups for 30 s),
 * so an address change is picked up without a restart. No entries and no member inclusion:
 * every address is allowed.
 */
public final class Allowlist {

    /** Every address may write. */
    public static final Allowlist ANY = new Allowlist(List.of(), List.of(), false);

    private final List<Block> blocks;
    private final List<String> hosts;
    private final boolean includeMembers;

    private Allowlist(List<Block> blocks, List<String> hosts, boolean includeMembers) {
        this.blocks = List.copyOf(blocks);
        this.hosts = List.copyOf(hosts);
        this.includeMembers = includeMembers;
    }

    /**
     * Parses the entries.
     *
     * @throws IllegalArgumentException naming the first entry that is neither an address, a
     *                                  CIDR block with a prefix length that fits, nor a host name
     */
    public static Allowlist of(List<String> entries, boolean includeMembers) {
        List<Block> blocks = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        for (String entry : entries) {
            String e = entry == null ? "" : entry.strip();
            int slash = e.indexOf('/');
            if (slash >= 0) {
                blocks.add(Block.parse(e, slash));
            } else if (isLiteral(e)) {
                InetAddress a = InetAddress.ofLiteral(e);
                blocks.add(new Block(a.getAddress(), a.getAddress().length * 8));
            } else if (e.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})")) {
                hosts.add(e);
            } else {
                throw new IllegalArgumentException("restapi.allowlist: '" + entry
                        + "' is neither an IP address, a CIDR block nor a host name");
            }
        }
        return new Allowlist(blocks, hosts, includeMembers);
    }

    /** Whether only some addresses may write. */
    public boolean restricts() {
        return !blocks.isEmpty() || !hosts.isEmpty() || includeMembers;
    }

    /**
     * Whether {@code client} may call a write endpoint.
     *
     * @param memberApiUrls the advertised REST URLs of the cluster's members; read only when
     *                      {@code allowlist_include_members} is on
     */
    boolean permits(InetAddress client, Collection<String> memberApiUrls) {
        if (!restricts()) {
            return true;
        }
        byte[] address = client.getAddress();
        if (blocks.stream().anyMatch(b -> b.contains(address))) {
            return true;
        }
        List<String> names = new ArrayList<>(hosts);
        if (includeMembers) {
            memberApiUrls.stream().map(Allowlist::hostOf).filter(h -> h != null).forEach(names::add);
        }
        return names.stream().anyMatch(name -> resolvesTo(name, client));
    }

    private static boolean resolvesTo(String name, InetAddress client) {
        try {
            for (InetAddress a : InetAddress.getAllByName(name)) {
                if (a.equals(client)) {
                    return true;
                }
            }
        } catch (UnknownHostException e) {
            // An entry that does not resolve admits nobody.
        }
        return false;
    }

    private static String hostOf(String url) {
        try {
            String host = URI.create(url).getHost();
            return host != null && host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isLiteral(String s) {
        return s.contains(":") || s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    @Override
    public String toString() {
        return restricts() ? "allowlist " + blocks + " " + hosts + (includeMembers ? " + members" : "") : "any address";
    }

    /** An address block: the first {@code prefix} bits of {@code network}. */
    private record Block(byte[] network, int prefix) {
        static Block parse(String entry, int slash) {
            String address = entry.substring(0, slash);
            try {
                if (!isLiteral(address)) {
                    throw new IllegalArgumentException("not an IP address");
                }
                byte[] network = InetAddress.ofLiteral(address).getAddress();
                int prefix = Integer.parseInt(entry.substring(slash + 1));
                if (prefix < 0 || prefix > network.length * 8) {
                    throw new IllegalArgumentException("prefix out of range");
                }
                return new Block(network, prefix);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("restapi.allowlist: '" + entry + "' is not a CIDR block "
                        + "(address/prefix length, e.g. 10.0.0.0/8 or fd00::/8)", e);
            }
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            int mask = rest == 0 ? 0 : 0xff << (8 - rest) & 0xff;
            return rest == 0 || (address[full] & mask) == (network[full] & mask);
        }

        @Override
        public String toString() {
            try {
                return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
            } catch (UnknownHostException e) {
                return "?/" + prefix;
            }
        }
    }
}
