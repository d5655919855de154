package io.raftgres.it;

import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One failover scenario in progress on a healthy cluster: the writer (through the VIP only, as
 * clients of a real deployment), the split-brain detector (every member directly), the primary
 * observer (REST) and the VIP observer all run on one {@link ScenarioClock}; the scenario injects faults through
 * {@link #faults()} and ends with {@link #finish}, which waits for health, stops the load,
 * checks and records the report row.
 *
 * <p>Driven by the test thread; the load runs on its own threads, bounded by {@link #MAX}.
 */
public final class ScenarioRun implements AutoCloseable {

    /** Upper bound of any scenario's load, whatever the test does. */
    public static final Duration MAX = Duration.ofMinutes(8);
    /** How long the cluster may take to become healthy again after the faults. */
    public static final Duration HEALTH_TIMEOUT = Duration.ofMinutes(2);
    /** How long a healthy cluster's primary may take to hold the VIP alone. */
    public static final Duration VIP_TIMEOUT = Duration.ofSeconds(20);

    /**
     * What a finished scenario measured.
     *
     * @param finalPrimary the primary once healthy again
     * @param check        the checker's findings
     * @param log          the writer's attempts
     * @param result       the report row (already recorded)
     * @param vip          what the VIP observer saw
     * @param accepted     what the split-brain detector saw accepted
     */
    public record Outcome(Node finalPrimary, CheckResult check, WriteLog log, ScenarioResult result,
                          VipTimeline vip, Acceptances accepted) {

        /** When {@code member} last acknowledged a write of the writer or of the detector, or -1. */
        public long lastAckMillis(String member) {
            return Math.max(log.lastAckMillisFrom(member), accepted.lastAckMillis(member));
        }

        /** When {@code member} first acknowledged a write of the writer or of the detector, or -1. */
        public long firstAckMillis(String member) {
            long w = log.firstAckMillisFrom(member);
            long d = accepted.firstAckMillis(member);
            return w < 0 ? d : d < 0 ? w : Math.min(w, d);
        }
    }

    private final String name;
    private final ClusterFixture cluster;
    private final ScenarioClock clock = ScenarioClock.start();
    private final Faults faults = new Faults(clock);
    private final Writer writer;
    private final SplitBrainDetector detector;
    private final PrimaryObserver observer;
    private final VipObserver vip;
    private final String initialPrimary;
    private boolean stopped;

    private ScenarioRun(String name, ClusterFixture cluster, Node primary, PgTarget writerTarget) {
        this.name = name;
        this.cluster = cluster;
        this.initialPrimary = primary.name();
        this.writer = new Writer(name, writerTarget, clock);
        Map<String, HostPort> members = new LinkedHashMap<>();
        cluster.nodes().forEach(n -> members.put(n.name(), n.postgres()));
        this.detector = new SplitBrainDetector(members, clock, cluster.replication().detectorCommitsLocally());
        this.observer = new PrimaryObserver(cluster.nodes(), clock);
        this.vip = new VipObserver(cluster.nodes(), AgentConfig.VIP, clock);
    }

    /**
     * Creates the tables on {@code primary}, starts the observers, waits until {@code primary}
     * alone holds the VIP (which also proves the VIP observer can see it), then starts the
     * writer and the detector.
     */
    public static ScenarioRun start(String name, ClusterFixture cluster, Node primary) throws Exception {
        return start(name, cluster, primary, PgTarget.direct(new HostPort(AgentConfig.VIP, NodeSpec.PG_PORT)));
    }

    /** As {@link #start(String, ClusterFixture, Node)}, with the writer writing to {@code writerTarget}. */
    public static ScenarioRun start(String name, ClusterFixture cluster, Node primary, PgTarget writerTarget)
            throws Exception {
        Schema.create(PgTarget.direct(primary.postgres()));
        ScenarioRun run = new ScenarioRun(name, cluster, primary, writerTarget);
        run.observer.start(MAX);
        run.vip.start(MAX);
        try {
            run.awaitVipOn(primary);
        } catch (Exception | AssertionError e) {
            run.close();
            throw e;
        }
        run.detector.start(MAX);
        run.writer.start(MAX);
        return run;
    }

    /**
     * For a cluster without a VIP: the writer connects to whichever member is the writable primary (libpq's
     * {@code target_session_attrs=primary}, as a client without a VIP or a load balancer does), and nothing waits
     * for a VIP. The VIP observer still runs and must see none.
     */
    public static ScenarioRun startWithoutVip(String name, ClusterFixture cluster, Node primary) throws Exception {
        Schema.create(PgTarget.direct(primary.postgres()));
        ScenarioRun run = new ScenarioRun(name, cluster, primary,
                PgTarget.primaryAmong(cluster.nodes().stream().map(Node::postgres).toList()));
        run.observer.start(MAX);
        run.vip.start(MAX);
        run.detector.start(MAX);
        run.writer.start(MAX);
        return run;
    }

    private void awaitVipOn(Node primary) throws InterruptedException {
        long deadline = clock.millis() + VIP_TIMEOUT.toMillis();
        while (vip.timeline().firstSoleHolderMillis(primary.name(), 0) < 0) {
            if (clock.millis() > deadline) {
                List<VipObserver.Sample> seen = vip.samples();
                throw new AssertionError("the VIP " + AgentConfig.VIP + " was not seen on the primary " + primary.name()
                        + " alone within " + VIP_TIMEOUT.toSeconds() + " s; last holders seen: "
                        + (seen.isEmpty() ? "no sample" : seen.getLast().holders()));
            }
            Thread.sleep(100);
        }
    }

    public ScenarioClock clock() {
        return clock;
    }

    public Faults faults() {
        return faults;
    }

    public SplitBrainDetector detector() {
        return detector;
    }

    public PrimaryObserver observer() {
        return observer;
    }

    public WriteLog log() {
        return writer.log();
    }

    /** Lets the load run for {@code duration}. */
    public void hold(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }

    /** Lets the load run until scenario time {@code atMillis}. */
    public void holdUntil(long atMillis) throws InterruptedException {
        long rest = atMillis - clock.millis();
        if (rest > 0) {
            Thread.sleep(rest);
        }
    }

    /**
     * Waits, load still running, until the cluster has settled: one healthy primary that every VIP
     * look for {@code quiet} saw as the VIP's only holder, and that is still the healthy primary at
     * the end of that window. A fault that ends may still be working its way out (a lease lapse that
     * began before a lossy network healed fences a moment later, removing the VIP, then PostgreSQL
     * starts again); the final checks must look at the cluster after that, not in the middle of it.
     * Only waits: it asserts nothing, so a cluster that does not settle within {@code timeout} goes on
     * to {@link #finish} and its checks report what is wrong.
     *
     * @return the scenario time at which the cluster had settled, or -1 when {@code timeout} ran out
     */
    public long awaitSettled(Duration quiet, Duration timeout) throws InterruptedException {
        long deadline = clock.millis() + timeout.toMillis();
        while (clock.millis() < deadline) {
            Node primary = healthyPrimaryOrNull();
            if (primary == null) {
                Thread.sleep(500);
                continue;
            }
            long since = clock.millis();
            holdUntil(since + quiet.toMillis());
            Set<String> sole = Set.of(primary.name());
            List<VipObserver.Sample> window = vip.samples().stream().filter(s -> s.atMillis() >= since).toList();
            Node still = healthyPrimaryOrNull();
            if (!window.isEmpty() && window.stream().allMatch(s -> s.holders().equals(sole))
                    && still != null && still.name().equals(primary.name())) {
                return clock.millis();
            }
        }
        return -1;
    }

    private Node healthyPrimaryOrNull() {
        try {
            return ClusterHealth.healthyPrimary(cluster);
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * Waits until the cluster is healthy again (load still running), stops the load, checks
     * the final primary and records the report row. Safety is asserted by the caller.
     */
    public Outcome finish(String notes) throws Exception {
        return finish(notes, null);
    }

    /**
     * As {@link #finish(String)}; when {@code deposed} is given (the primary the fault hit), the
     * report also says when it last acknowledged a write and when the final primary first did,
     * counting the writer and the detector, on the scenario's time axis from the first fault.
     */
    public Outcome finish(String notes, Node deposed) throws Exception {
        Node primary = ClusterHealth.awaitHealthy(cluster, HEALTH_TIMEOUT);
        long end = clock.millis();
        stopLoad();
        WriteLog log = writer.log();
        Acceptances accepted = detector.acceptances();
        CheckResult check = Checker.check(name, log, PgTarget.direct(primary.postgres()), accepted);
        long firstAck = log.attempts().stream().filter(WriteLog.Attempt::acknowledged)
                .mapToLong(WriteLog.Attempt::endMillis).findFirst().orElse(0);
        VipTimeline vipSeen = vip.timeline();
        ScenarioResult result = new ScenarioResult(name, log.longestAckGapMillis(firstAck, end) / 1000.0,
                check.acknowledged(), check.lostCount(), check.splitBrain(), observer.leaderChanges(), maxAgentRssMb(),
                vipMovedSeconds(vipSeen, primary), vipSeen.longestAbsenceMillis(0) / 1000.0,
                !vipSeen.onSeveralHosts().isEmpty(), describe(notes, check, vipSeen, primary.name())
                + acknowledgements(deposed, primary, new Outcome(primary, check, log, null, vipSeen, accepted)));
        FailoverReport.record(result);
        return new Outcome(primary, check, log, result, vipSeen, accepted);
    }

    /** When the deposed primary last and the final primary first acknowledged, from the first fault. */
    private String acknowledgements(Node deposed, Node finalPrimary, Outcome seen) {
        if (deposed == null || deposed.name().equals(finalPrimary.name()) || faults.events().isEmpty()) {
            return "";
        }
        long fault = faults.events().getFirst().atMillis();
        return String.format(Locale.ROOT, "; %s last acknowledged %+.2f s after the fault, %s first %+.2f s",
                deposed.name(), (seen.lastAckMillis(deposed.name()) - fault) / 1000.0, finalPrimary.name(),
                (seen.firstAckMillis(finalPrimary.name()) - fault) / 1000.0);
    }

    /** From the first fault until the new primary alone held the VIP; null when the primary stayed. */
    private Double vipMovedSeconds(VipTimeline seen, Node finalPrimary) {
        long fault = failoverFaultMillis(finalPrimary.name());
        long moved = fault < 0 ? -1 : seen.firstSoleHolderMillis(finalPrimary.name(), fault);
        return moved < 0 ? null : (moved - fault) / 1000.0;
    }

    /** The first fault's scenario time when the primary moved to {@code finalPrimary}, else -1. */
    private long failoverFaultMillis(String finalPrimary) {
        return finalPrimary.equals(initialPrimary) || faults.events().isEmpty() ? -1
                : faults.events().getFirst().atMillis();
    }

    @Override
    public void close() throws InterruptedException {
        stopLoad();
    }

    private void stopLoad() throws InterruptedException {
        if (stopped) {
            return;
        }
        stopped = true;
        writer.stop();
        detector.stop();
        observer.stop();
        vip.stop();
    }

    private Double maxAgentRssMb() {
        OptionalDouble max = cluster.nodes().stream().filter(Node::running).map(Node::agentRssMb)
                .filter(OptionalDouble::isPresent).mapToDouble(OptionalDouble::getAsDouble).max();
        return max.isPresent() ? max.getAsDouble() : null;
    }

    private String describe(String notes, CheckResult check, VipTimeline vipSeen, String finalPrimaryName) {
        String events = faults.events().stream()
                .map(e -> String.format(Locale.ROOT, "%s @%.1fs", e.description(), e.atMillis() / 1000.0))
                .collect(Collectors.joining(", "));
        StringBuilder text = new StringBuilder(notes);
        if (!events.isEmpty()) {
            text.append("; ").append(events);
        }
        if (check.lostCount() > 0) {
            text.append("; lost ids ").append(CheckResult.abbreviated(check.lost()));
        }
        if (check.splitBrain()) {
            text.append("; ").append(check.overlaps());
        }
        long fault = failoverFaultMillis(finalPrimaryName);
        long reached = fault < 0 ? -1 : vipSeen.firstClientReachMillis(finalPrimaryName, fault);
        if (reached >= 0) {
            text.append(String.format(Locale.ROOT, "; client ARP for the VIP named %s %.2f s after the fault",
                    finalPrimaryName, (reached - fault) / 1000.0));
        }
        List<VipObserver.Sample> split = vipSeen.onSeveralHosts();
        if (!split.isEmpty()) {
            text.append("; VIP on several hosts at ").append(split.stream().limit(5)
                    .map(s -> String.format(Locale.ROOT, "%.1fs %s", s.atMillis() / 1000.0, s.holders()))
                    .collect(Collectors.joining(", ")));
        }
        return text.toString();
    }
}
