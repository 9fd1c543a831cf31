package io.corral.compat.catalogue;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * One row of the catalogue: a behaviour a client or a handler can observe, what the client does, what each
 * generation must show, and the flavours it applies to. A flavour it does not apply to is an exclusion with its reason.
 */
public record Scenario(String name, String area, String does, Map<Generation, Expectation> expected,
        Map<Flavour, String> exclusions, String notOnCowboy, Body body) {

    /** The client side of the scenario; checks go through the {@link Probe}, which fails on the first mismatch. */
    @FunctionalInterface
    public interface Body {
        void run(Probe p) throws Exception;
    }

    public Expectation expectation(Generation g) {
        return expected.get(g);
    }

    public boolean appliesTo(Flavour f) {
        return !exclusions.containsKey(f);
    }

    /** Why the scenario does not apply to {@code f}, or null. */
    public String exclusion(Flavour f) {
        return exclusions.get(f);
    }

    /**
     * Why the scenario does not apply to the target, or null: the flavour's exclusion, or, on a real Cowboy, the
     * reason a scenario checks a row where Corral is stricter than (or differs from) the Cowboy version named there.
     */
    public String exclusion(Target t) {
        String byFlavour = exclusions.get(t.flavour());
        if (byFlavour != null) return byFlavour;
        return t.server() == Target.Server.COWBOY ? notOnCowboy : null;
    }

    static Builder scenario(String name, String area, String does) {
        return new Builder(name, area, does);
    }

    static final class Builder {
        private final String name, area, does;
        private final Map<Generation, Expectation> expected = new EnumMap<>(Generation.class);
        private final Map<Flavour, String> exclusions = new EnumMap<>(Flavour.class);
        private String notOnCowboy;

        private Builder(String name, String area, String does) {
            this.name = name;
            this.area = area;
            this.does = does;
        }

        /** The same wire for both generations, with each generation's terminate reason. */
        Builder both(String wire, String terminate1x, String terminate2x) {
            expected.put(Generation.ONE_X, new Expectation(wire, terminate1x));
            expected.put(Generation.TWO_X, new Expectation(wire, terminate2x));
            return this;
        }

        Builder oneX(String wire, String terminate) {
            expected.put(Generation.ONE_X, new Expectation(wire, terminate));
            return this;
        }

        Builder twoX(String wire, String terminate) {
            expected.put(Generation.TWO_X, new Expectation(wire, terminate));
            return this;
        }

        Builder exclude(String reason, Flavour... flavours) {
            for (Flavour f : flavours) exclusions.put(f, reason);
            return this;
        }

        /**
         * The scenario checks a row where Corral departs from Cowboy on purpose (stricter per an RFC, or a listed
         * difference): it does not run against a real Cowboy. The reason must name the Cowboy version and behaviour.
         */
        Builder notOnCowboy(String reason) {
            notOnCowboy = reason;
            return this;
        }

        /** Excludes every flavour of a generation that has no expectation, with the reason. */
        Builder onlyGeneration(Generation g, String reason) {
            for (Flavour f : Flavour.values()) if (f.generation != g) exclusions.put(f, reason);
            return this;
        }

        Scenario run(Body body) {
            for (Flavour f : Flavour.values()) {
                if (!exclusions.containsKey(f) && !expected.containsKey(f.generation)) {
                    throw new IllegalStateException(name + ": no expectation for " + f.generation.label);
                }
            }
            return new Scenario(name, area, does, Collections.unmodifiableMap(expected),
                    Collections.unmodifiableMap(exclusions), notOnCowboy, body);
        }
    }

    static Set<Flavour> all() {
        return EnumSet.allOf(Flavour.class);
    }
}
