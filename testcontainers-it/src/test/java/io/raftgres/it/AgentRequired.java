package io.raftgres.it;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Disables each scenario of the failover suite, with the reason, while the agent distribution
 * ({@code agent/target/raftgres-dist}) has not been built: the node image then carries a
 * placeholder launcher. With {@code -Draftgres.it.requireAgent=true} (CI, once the agent
 * exists) the scenarios run anyway and fail loudly instead of being skipped.
 *
 * <p>Stateless; evaluated by JUnit per test method. Combine with {@link DockerRequired}.
 */
public final class AgentRequired implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isEmpty()
                || ItEnvironment.agentDistributionPresent()
                || Boolean.getBoolean("raftgres.it.requireAgent")) {
            return ConditionEvaluationResult.enabled("agent distribution present or required");
        }
        return ConditionEvaluationResult.disabled("failover scenarios skipped: no agent distribution at "
                + ItEnvironment.distDir() + " (build the agent first; -Draftgres.it.requireAgent=true makes this fail)");
    }
}
