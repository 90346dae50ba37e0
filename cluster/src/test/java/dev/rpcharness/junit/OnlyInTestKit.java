package dev.rpcharness.junit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps the deliberately failing or leaking sample test classes quiet unless {@link RpcClusterExtensionTest} runs
 * them through the EngineTestKit with the configuration parameter {@value #KEY}.
 */
final class OnlyInTestKit implements ExecutionCondition {

    static final String KEY = "rpcharness.extension-self-test";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return context.getConfigurationParameter(KEY).map(Boolean::parseBoolean).orElse(false)
                ? ConditionEvaluationResult.enabled("run by the extension's self test")
                : ConditionEvaluationResult.disabled("sample for RpcClusterExtensionTest only");
    }
}
