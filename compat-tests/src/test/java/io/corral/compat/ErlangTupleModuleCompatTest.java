package io.corral.compat;

import io.corral.compat.catalogue.Flavour;

/** The catalogue against Erlang Cowboy 2.0 tuple modules. */
class ErlangTupleModuleCompatTest extends CompatCatalogueTest {
    @Override
    protected Flavour flavour() {
        return Flavour.ERL20;
    }
}
