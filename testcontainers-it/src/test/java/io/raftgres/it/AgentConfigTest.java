package io.raftgres.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class AgentConfigTest {

    @Test
    void membersKnowEachOtherByStaticAddressAndPartnersExcludeSelf() {
        List<NodeSpec> members = NodeSpec.first(3);
        String yaml = AgentConfig.render(AgentConfig.forMember("it", members.get(1), members));
        Map<String, Object> parsed = new Yaml().load(yaml);
        assertEquals("n2", parsed.get("name"));
        Map<?, ?> raft = (Map<?, ?>) parsed.get("raft");
        assertEquals("172.30.77.12:5010", raft.get("self_addr"));
        assertEquals(List.of("172.30.77.11:5010", "172.30.77.13:5010"), raft.get("partner_addrs"));
        Map<?, ?> pg = (Map<?, ?>) parsed.get("postgresql");
        assertEquals("172.30.77.12:5432", pg.get("connect_address"));
        assertEquals("172.30.77.12:8008", ((Map<?, ?>) parsed.get("restapi")).get("connect_address"));
        assertTrue(yaml.contains("host replication replicator 172.30.77.0/24 scram-sha-256"), yaml);
    }

    @Test
    void managedQuorumByDefaultAndNoSynchronousStandbyWhenAsynchronous() {
        List<NodeSpec> members = NodeSpec.first(3);
        Map<String, Object> quorum = AgentConfig.forMember("it", members.get(0), members);
        assertFalse(parameters(quorum).containsKey("synchronous_standby_names"), "the agents manage it");
        Map<?, ?> root = new Yaml().load(AgentConfig.render(quorum));
        Map<?, ?> dcs = (Map<?, ?>) ((Map<?, ?>) root.get("bootstrap")).get("dcs");
        assertEquals("quorum", dcs.get("synchronous_mode"));
        Map<?, ?> async = parameters(AgentConfig.forMember("it", members.get(0), members, Replication.ASYNC));
        assertFalse(async.containsKey("synchronous_standby_names"), async.toString());
        assertFalse(async.containsKey("synchronous_commit"), async.toString());
    }

    private static Map<?, ?> parameters(Map<String, Object> config) {
        Map<?, ?> parsed = new Yaml().load(AgentConfig.render(config));
        Map<?, ?> dcs = (Map<?, ?>) ((Map<?, ?>) parsed.get("bootstrap")).get("dcs");
        return (Map<?, ?>) ((Map<?, ?>) dcs.get("postgresql")).get("parameters");
    }

    @Test
    void nodeSpecsAreNamedAndAddressedByIndex() {
        NodeSpec n3 = new NodeSpec(3);
        assertEquals("raftgres-it-n3", n3.containerName());
        assertEquals(new HostPort("172.30.77.13", 5432), n3.postgres());
    }
}
