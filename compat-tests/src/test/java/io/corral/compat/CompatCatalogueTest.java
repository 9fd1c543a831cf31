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
 * The whole catalogue against Corral for one handler flavour, one named dynamic test per scenario. A scenario
 * excluded for the flavour shows as skipped with its reason. One subclass per flavour, as Netty tests each protocol
 * version and Cowboy runs one test list in several groups.
 */
abstract class CompatCatalogueTest extends CompatFixture {

    protected abstract Flavour flavour();

    @TestFactory
    Stream<DynamicTest> everyScenarioOfTheCatalogue() {
        Target target = Target.of(url(), flavour().generation, flavour().prefix, flavour());
        return Catalogue.SCENARIOS.stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> {
            String excluded = s.exclusion(target);
            Assumptions.assumeTrue(excluded == null, () -> "excluded for " + flavour() + ": " + excluded);
            Runner.Outcome o = Runner.run(target, s);
            Assertions.assertEquals(Runner.Status.PASS, o.status(), () -> s.name() + " on " + target + "\n  expected: "
                    + o.expected() + "\n  observed: " + o.observed() + "\n  failure:  " + o.failure());
        }));
    }
}
