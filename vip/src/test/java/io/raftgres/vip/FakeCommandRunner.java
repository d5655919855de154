package io.raftgres.vip;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plays iproute2 and iputils-arping for one interface, with the messages and exit codes the
 * real tools print on Debian 12 (iproute2 6.1, iputils 20221126): enough behaviour to test
 * idempotence without scripting every call. Records every argv; a command can be broken with
 * {@link #breakCommand}. Thread-safe (announcements call it from other threads).
 */
final class FakeCommandRunner implements CommandRunner {

    private final String interfaceName;
    private final Set<String> addresses = new LinkedHashSet<>();
    private final List<List<String>> calls = new ArrayList<>();
    private final List<Duration> timeouts = new ArrayList<>();
    private final Map<List<String>, CommandResult> broken = new HashMap<>();

    FakeCommandRunner(String interfaceName, String... initialAddresses) {
        this.interfaceName = interfaceName;
        addresses.addAll(List.of(initialAddresses));
    }

    /**
     * Every later run whose argv starts with {@code argvPrefix} (e.g. {@code ["ip"]} or
     * {@code ["ip", "addr", "del"]}) answers {@code result} and changes nothing.
     */
    synchronized void breakCommand(List<String> argvPrefix, CommandResult result) {
        broken.put(List.copyOf(argvPrefix), result);
    }

    synchronized void addAddress(String cidr) {
        addresses.add(cidr);
    }

    synchronized Set<String> addresses() {
        return Set.copyOf(addresses);
    }

    synchronized List<List<String>> calls() {
        return List.copyOf(calls);
    }

    synchronized List<Duration> timeouts() {
        return List.copyOf(timeouts);
    }

    synchronized List<List<String>> callsOf(String program) {
        return calls.stream().filter(argv -> argv.getFirst().equals(program)).toList();
    }

    @Override
    public synchronized CommandResult run(List<String> argv, Duration timeout) {
        calls.add(List.copyOf(argv));
        timeouts.add(timeout);
        for (Map.Entry<List<String>, CommandResult> failure : broken.entrySet()) {
            List<String> prefix = failure.getKey();
            if (argv.size() >= prefix.size() && argv.subList(0, prefix.size()).equals(prefix)) {
                return failure.getValue();
            }
        }
        return switch (argv.getFirst()) {
            case "ip" -> ip(argv.subList(1, argv.size()));
            case "arping" -> arping(argv);
            default -> CommandResult.failedToRun("cannot start " + argv.getFirst() + ": No such file or directory");
        };
    }

    private CommandResult ip(List<String> args) {
        String device = args.get(args.indexOf("dev") + 1);
        if (!device.equals(interfaceName)) {
            return args.contains("show")
                    ? CommandResult.exited(1, "Device \"" + device + "\" does not exist.")
                    : CommandResult.exited(1, "Cannot find device \"" + device + "\"");
        }
        if (args.equals(List.of("-o", "addr", "show", "dev", device))) {
            return CommandResult.exited(0, render());
        }
        String cidr = args.get(2);
        return switch (args.get(1)) {
            case "add" -> addresses.add(cidr)
                    ? CommandResult.exited(0, "")
                    : CommandResult.exited(2, "Error: ipv4: Address already assigned.");
            // The kernel installs the address when a change names an absent one (IPv4 ignores NLM_F_CREATE).
            case "change", "replace" -> {
                addresses.add(cidr);
                yield CommandResult.exited(0, "");
            }
            case "del" -> addresses.remove(cidr)
                    ? CommandResult.exited(0, "")
                    : CommandResult.exited(2, "Error: ipv4: Address not found.");
            default -> CommandResult.exited(255, "Object \"" + args.get(1) + "\" is unknown, try \"ip help\".");
        };
    }

    private CommandResult arping(List<String> argv) {
        String ip = argv.getLast();
        boolean local = addresses.stream().anyMatch(cidr -> cidr.startsWith(ip + "/"));
        if (!local) {
            return CommandResult.exited(2, "arping: bind: Cannot assign requested address");
        }
        return CommandResult.exited(0, "ARPING " + ip + " from " + ip + " " + interfaceName
                + "\nSent 1 probes (1 broadcast(s))\nReceived 0 response(s)");
    }

    /** The format of {@code ip -o addr show dev X}: index, name, inet entry, backslash, lifetimes. */
    private String render() {
        StringBuilder out = new StringBuilder();
        boolean primary = true;
        for (String cidr : addresses) {
            out.append("2: ").append(interfaceName).append("    inet ").append(cidr).append(" scope global ")
                    .append(primary ? "" : "secondary ").append(interfaceName)
                    .append("\\       valid_lft forever preferred_lft forever\n");
            primary = false;
        }
        out.append("2: ").append(interfaceName).append("    inet6 fe80::486d:1bff:fe61:7d69/64 scope link \\")
                .append("       valid_lft forever preferred_lft forever\n");
        return out.toString();
    }
}
