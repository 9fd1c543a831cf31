package io.corral.compat;

import io.corral.compat.catalogue.Catalogue;
import io.corral.compat.catalogue.Flavour;
import io.corral.compat.catalogue.Target;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The whole catalogue against a real Cowboy serving the same compat modules as Corral: the proof that what the
 * catalogue expects is what Cowboy does. One subclass per real-Cowboy target, as {@link CompatCatalogueTest} has one
 * per Corral flavour. A scenario excluded for the flavour, or for real Cowboy (where Corral is stricter), is skipped
 * with its reason.
 */
abstract class RealCowboyCatalogueTest {

    protected abstract RealCowboy.Version version();

    protected abstract Flavour flavour();

    @TestFactory
    Stream<DynamicTest> everyScenarioOfTheCatalogueOnRealCowboy() throws Exception {
        if (!RealCowboy.sourcesPresent()) {
            // One test that reports the skip and its reason (an aborted factory would show as zero tests run).
            return Stream.of(DynamicTest.dynamicTest("real Cowboy sources are present", RealCowboy::assumeSources));
        }
        RealCowboy cowboy = RealCowboy.started(version());
        Target target = Target.cowboy(cowboy.url(), flavour());
        return Catalogue.SCENARIOS.stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> {
            String excluded = s.exclusion(target);
            Assumptions.assumeTrue(excluded == null, () -> "excluded for " + target + ": " + excluded);
            Runner.Outcome o = Runner.run(target, s);
            Assertions.assertEquals(Runner.Status.PASS, o.status(), () -> s.name() + " on " + target + "\n  expected: "
                    + o.expected() + "\n  observed: " + o.observed() + "\n  failure:  " + o.failure());
        }));
    }
}
