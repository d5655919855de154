/**
 * Hand-written fakes and a seeded, single-threaded simulator of a three-node raftgres cluster.
 *
 * <p>Reusable fakes: {@link io.raftgres.testkit.FakeClock}, {@link io.raftgres.testkit.FakePostgres}
 * (implements {@code PostgresControl}), {@link io.raftgres.testkit.FakeVip},
 * {@link io.raftgres.testkit.FakeWatchdog}.
 *
 * <p>The simulator ({@link io.raftgres.testkit.ClusterSimulation}) runs the real {@code HaDecider}
 * and the agent's own {@code LeaseGuard}, {@code LocalTracker} and {@code MemberPublisher} (module
 * {@code ha}) in three {@link io.raftgres.testkit.SimAgent}s, whose HA loop and action executor are
 * still copies of the agent's, on a {@link io.raftgres.testkit.SimulatedRaft} group (terms,
 * pre-vote, log, commit, heartbeat lease, step-down, transfer, restart quarantine) over a
 * {@link io.raftgres.testkit.SimulatedNetwork}, all driven by one
 * {@link io.raftgres.testkit.EventScheduler} and one seed. {@link io.raftgres.testkit.Invariants}
 * are checked after every event; a violation throws {@link io.raftgres.testkit.InvariantViolation}
 * with the seed, the event number, the recent trace and a replay command.
 *
 * <p>Threading: nothing here is thread-safe; a simulation runs on the calling thread only.
 */
package io.raftgres.testkit;
