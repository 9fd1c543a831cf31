package io.corral.compat;

import io.corral.compat.catalogue.Flavour;

/** The catalogue against real Cowboy 1.1.2 serving the 1.x module (compat_ws_v1) under /erl1. */
class Cowboy112ModuleCompatTest extends RealCowboyCatalogueTest {
    @Override
    protected RealCowboy.Version version() {
        return RealCowboy.Version.V1_1;
    }

    @Override
    protected Flavour flavour() {
        return Flavour.ERL1;
    }
}
