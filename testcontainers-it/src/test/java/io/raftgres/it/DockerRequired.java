package io.raftgres.it;

import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Disables each test method of a container suite, with the reason, when no Docker engine can
 * be had, so the build reports every test as skipped (never as passed, and never as zero tests
 * run, which is what a class-level abort in {@code @BeforeAll} shows in Surefire's summary).
 * Suites therefore start their cluster lazily in {@code @BeforeEach}, not in {@code @BeforeAll}.
 *
 * <p>Stateless; JUnit calls it for the class (always enabled) and for every method.
 */
public final class DockerRequired implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isEmpty()) {
            return ConditionEvaluationResult.enabled("decided per test method");
        }
        Optional<String> reason = ItEnvironment.dockerUnavailableReason();
        return reason.map(ConditionEvaluationResult::disabled)
                .orElseGet(() -> ConditionEvaluationResult.enabled("a Docker engine answers"));
    }
}
