package io.raftgres.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * Three (or N) container hosts n1..nN on the dedicated network {@value NodeSpec#NETWORK_NAME}
 * ({@value NodeSpec#SUBNET}, static addresses .11, .12, ...), each with {@code NET_ADMIN} and
 * {@code NET_RAW} and its generated raftgres YAML at {@value AgentConfig#CONFIG_PATH}.
 *
 * <p>Ownership: everything it creates is named {@value NodeSpec#NAME_PREFIX}* and labelled
 * {@value ItEnvironment#LABEL}; {@link #close()} removes it by name, and {@link #start} first
 * removes leftovers of a crashed earlier run (Ryuk cannot run here). Nothing else is touched.
 * Readiness is the caller's business: containers count as started once running.
 *
 * <p>Not thread-safe for start/close; {@link #nodes()} may be read from any thread once started.
 */
public final class ClusterFixture implements AutoCloseable {

    private final List<Node> nodes;
    private final String label;
    private final SuiteLock lock;
    private final Replication replication;

    private ClusterFixture(List<Node> nodes, String label, SuiteLock lock, Replication replication) {
        this.nodes = List.copyOf(nodes);
        this.label = label;
        this.lock = lock;
        this.replication = replication;
    }

    /** How this cluster replicates (and whether its agents run the lease gate). */
    public Replication replication() {
        return replication;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Node> nodes() {
        return nodes;
    }

    /** The node named {@code nK}. */
    public Node node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + name + " in " + nodes));
    }

    /** Every node except {@code node}. */
    public List<Node> others(Node node) {
        return nodes.stream().filter(n -> n != node).toList();
    }

    /**
     * Saves each container's log and its PostgreSQL server log under target/it-logs, then removes
     * containers and network by name and releases the machine-wide suite lock.
     */
    @Override
    public void close() {
        try {
            Path logDir = ItEnvironment.reportDir().resolve("it-logs");
            for (Node node : nodes) {
                saveLog(node, logDir.resolve(label + "-" + node.name() + ".log"));
                savePostgresLog(node, logDir.resolve(label + "-" + node.name() + "-postgresql.log"));
            }
            removeOwned();
        } finally {
            lock.close();
        }
    }

    /**
     * Removes every container and network of the suite, running or not. Safe when none exist.
     * Only names starting with {@value NodeSpec#NAME_PREFIX} are touched.
     */
    public static void removeOwned() {
        DockerClient docker = DockerClientFactory.instance().client();
        List<Container> containers = docker.listContainersCmd().withShowAll(true)
                .withNameFilter(List.of(NodeSpec.NAME_PREFIX)).exec();
        for (Container c : containers) {
            boolean ours = c.getNames() != null && List.of(c.getNames()).stream()
                    .anyMatch(n -> n.startsWith("/" + NodeSpec.NAME_PREFIX));
            if (ours) {
                removeContainer(docker, c.getId(), c.getState());
            }
        }
        List<Network> networks = docker.listNetworksCmd().withNameFilter(NodeSpec.NAME_PREFIX).exec();
        for (Network n : networks) {
            if (n.getName().startsWith(NodeSpec.NAME_PREFIX)) {
                try {
                    docker.removeNetworkCmd(n.getId()).exec();
                } catch (NotFoundException e) {
                    // Removed concurrently: the goal state is reached.
                }
            }
        }
    }

    private static void removeContainer(DockerClient docker, String id, String state) {
        try {
            if ("paused".equals(state)) {
                docker.unpauseContainerCmd(id).exec(); // a paused container cannot be killed on older engines
            }
            docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // Removed concurrently: the goal state is reached.
        }
    }

    private static void saveLog(Node node, Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, node.logs(), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            System.err.println("could not save the log of " + node + " to " + file + ": " + e);
        }
    }

    /** Copies the server log pg_ctl writes next to PGDATA; absent when PostgreSQL never started. */
    private static void savePostgresLog(Node node, Path file) {
        try {
            Files.createDirectories(file.getParent());
            node.copyFile(AgentConfig.PG_LOG_PATH, file);
        } catch (NotFoundException e) {
            // PostgreSQL never started there (the smoke test's nodes run no agent): nothing to save
        } catch (IOException | RuntimeException e) {
            System.err.println("could not save the PostgreSQL log of " + node + " to " + file + ": " + e);
        }
    }

    /**
     * Configures a fixture. Defaults: three members, the node image from {@link NodeImage},
     * the image's command (the agent), the generated agent configuration with quorum commit.
     */
    public static final class Builder {
        private int members = 3;
        private String image;
        private String scope = "raftgres-it";
        private String label = "cluster";
        private Function<NodeSpec, List<String>> command;
        private Replication replication = Replication.QUORUM;
        private BiConsumer<NodeSpec, Map<String, Object>> configCustomizer = (spec, config) -> { };
        private final Map<String, String> env = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder members(int count) {
            this.members = count;
            return this;
        }

        public Builder image(String tag) {
            this.image = tag;
            return this;
        }

        public Builder scope(String clusterName) {
            this.scope = clusterName;
            return this;
        }

        /** Prefix of the saved container logs (usually the test's name). */
        public Builder label(String logLabel) {
            this.label = logLabel;
            return this;
        }

        /** Replaces the image's command (the agent), e.g. to run PostgreSQL alone. */
        public Builder command(Function<NodeSpec, List<String>> perNode) {
            this.command = perNode;
            return this;
        }

        /** How the cluster replicates (default: quorum commit). */
        public Builder replication(Replication mode) {
            this.replication = mode;
            return this;
        }

        /** Sets an environment variable in every container (e.g. RAFTGRES_JAVA_OPTS for the launcher). */
        public Builder env(String name, String value) {
            this.env.put(name, value);
            return this;
        }

        /** Adjusts each member's generated configuration before it is rendered. */
        public Builder config(BiConsumer<NodeSpec, Map<String, Object>> customizer) {
            this.configCustomizer = customizer;
            return this;
        }

        /** Removes leftovers, creates the network and starts all containers in parallel. */
        public ClusterFixture start() {
            String tag = image != null ? image : NodeImage.tag();
            SuiteLock lock = SuiteLock.acquire();
            try {
                return start(tag, lock);
            } catch (RuntimeException e) {
                lock.close();
                throw e;
            }
        }

        private ClusterFixture start(String tag, SuiteLock lock) {
            removeOwned();
            createNetwork();
            List<NodeSpec> specs = NodeSpec.first(members);
            List<Node> nodes = new ArrayList<>();
            List<GenericContainer<?>> containers = new ArrayList<>();
            for (NodeSpec spec : specs) {
                Map<String, Object> config = AgentConfig.forMember(scope, spec, specs, replication);
                configCustomizer.accept(spec, config);
                GenericContainer<?> container = container(tag, spec, AgentConfig.render(config));
                containers.add(container);
                nodes.add(new Node(spec, container));
            }
            try {
                Startables.deepStart(containers).join();
            } catch (RuntimeException e) {
                removeOwned();
                throw e;
            }
            return new ClusterFixture(nodes, label, lock, replication);
        }

        private GenericContainer<?> container(String tag, NodeSpec spec, String yaml) {
            GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(tag))
                    .withNetworkMode(NodeSpec.NETWORK_NAME)
                    .withLabel(ItEnvironment.LABEL, "true")
                    .withEnv(env)
                    .withCopyToContainer(Transferable.of(yaml.getBytes(StandardCharsets.UTF_8), 0644),
                            AgentConfig.CONFIG_PATH)
                    .withStartupAttempts(1)
                    .withStartupTimeout(Duration.ofSeconds(60))
                    .waitingFor(new RunningIsEnough())
                    .withCreateContainerCmdModifier(cmd -> {
                        cmd.withName(spec.containerName()).withHostName(spec.name()).withIpv4Address(spec.ip());
                        cmd.getHostConfig().withCapAdd(Capability.NET_ADMIN, Capability.NET_RAW);
                    });
            container.withCommand(RouteTuning.wrap(spec, command != null ? command.apply(spec) : RouteTuning.AGENT)
                    .toArray(String[]::new));
            return container;
        }

        private static void createNetwork() {
            DockerClientFactory.instance().client().createNetworkCmd()
                    .withName(NodeSpec.NETWORK_NAME)
                    .withDriver("bridge")
                    .withCheckDuplicate(true)
                    .withLabels(Map.of(ItEnvironment.LABEL, "true"))
                    .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config()
                            .withSubnet(NodeSpec.SUBNET).withGateway(NodeSpec.GATEWAY)))
                    .exec();
        }
    }

    /** Readiness is checked by the scenario (JDBC or REST), not by Testcontainers. */
    private static final class RunningIsEnough extends AbstractWaitStrategy {
        @Override
        protected void waitUntilReady() {
            // Nothing: the container is running once Testcontainers calls this.
        }
    }
}
