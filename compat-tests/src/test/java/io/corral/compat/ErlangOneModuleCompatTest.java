package io.corral.compat;

import io.corral.compat.catalogue.Flavour;

/** The catalogue against Erlang Cowboy 1.x modules. */
class ErlangOneModuleCompatTest extends CompatCatalogueTest {
    @Override
    protected Flavour flavour() {
        return Flavour.ERL1;
    }
}
