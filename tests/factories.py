"""Every test-data factory in one import (each lives beside its app, under the app's layer):

    tenants/tests/factories.py                 UserFactory, TenantFactory, DomainFactory, MembershipFactory,
                                               InvitationFactory, ServiceFactory (the base), PASSWORD
    factors/tests/factories.py                 FactorSourceFactory, EmissionFactorFactory, CustomFactorFactory,
                                               SupplierFactorFactory, library_factor
    factortrace/imports/tests/factories.py     ImportJobFactory
    regimes/inventory/tests/factories.py       ReportingPeriodFactory, FacilityFactory, ActivityRecordFactory,
                                               ContractualInstrumentFactory, TargetFactory
    regimes/csrd/tests/factories.py            EnergyConsumptionFactory

Tests inside an app import from the app's own module (the layers hold for tests too); tests
under ``tests/`` may import from here.
"""
from factors.tests.factories import (  # noqa: F401
    CustomFactorFactory,
    EmissionFactorFactory,
    FactorSourceFactory,
    SupplierFactorFactory,
    library_factor,
)
from factortrace.imports.tests.factories import ImportJobFactory  # noqa: F401
from regimes.csrd.tests.factories import EnergyConsumptionFactory  # noqa: F401
from regimes.inventory.tests.factories import (  # noqa: F401
    ActivityRecordFactory,
    ContractualInstrumentFactory,
    FacilityFactory,
    ReportingPeriodFactory,
    TargetFactory,
)
from tenants.tests.factories import (  # noqa: F401
    PASSWORD,
    DomainFactory,
    InvitationFactory,
    MembershipFactory,
    ServiceFactory,
    TenantFactory,
    UserFactory,
)
