package io.corral.compat;

import io.corral.compat.catalogue.Flavour;

/** The catalogue against real Cowboy 2.17.0 serving the 2.0 tuple module (compat_ws_tuple) under /erl20. */
class Cowboy217TupleModuleCompatTest extends RealCowboyCatalogueTest {
    @Override
    protected RealCowboy.Version version() {
        return RealCowboy.Version.V2_17;
    }

    @Override
    protected Flavour flavour() {
        return Flavour.ERL20;
    }
}
