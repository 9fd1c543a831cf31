package io.corral.compat;

import io.corral.compat.catalogue.Flavour;

/** The catalogue against real Cowboy 2.17.0 serving the 2.5+ command module (compat_ws_cmd) under /erl25. */
class Cowboy217CommandModuleCompatTest extends RealCowboyCatalogueTest {
    @Override
    protected RealCowboy.Version version() {
        return RealCowboy.Version.V2_17;
    }

    @Override
    protected Flavour flavour() {
        return Flavour.ERL25;
    }
}
