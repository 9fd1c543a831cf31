package io.corral.compat;

import io.corral.compat.catalogue.Catalogue;
import io.corral.compat.catalogue.Expectation;
import io.corral.compat.catalogue.Probe;
import io.corral.compat.catalogue.Scenario;
import io.corral.compat.catalogue.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Runs the catalogue's client side against a target and returns one {@link Outcome} per scenario. */
public final class Runner {
    private Runner() {}

    public enum Status { PASS, FAIL, EXCLUDED }

    public record Outcome(Scenario scenario, Status status, String expected, String observed, String failure, long millis) {}

    public static List<Outcome> run(Target target, Pattern only) {
        List<Outcome> out = new ArrayList<>();
        for (Scenario s : Catalogue.SCENARIOS) {
            if (only != null && !only.matcher(s.name()).find()) continue;
            out.add(run(target, s));
        }
        return out;
    }

    public static Outcome run(Target target, Scenario s) {
        String reason = s.exclusion(target);
        if (reason != null) return new Outcome(s, Status.EXCLUDED, "-", "excluded: " + reason, null, 0);
        Expectation e = s.expectation(target.generation());
        Probe p = new Probe(target);
        long t0 = System.nanoTime();
        String failure = null;
        try {
            s.body().run(p);
            p.checkTerminate(e);   // the part every scenario shares: the reason the handler recorded
        } catch (Throwable t) {
            failure = t instanceof AssertionError ? t.getMessage() : t.toString();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new Outcome(s, failure == null ? Status.PASS : Status.FAIL, e.toString(), String.join("; ", p.observed()),
                failure, ms);
    }
}
