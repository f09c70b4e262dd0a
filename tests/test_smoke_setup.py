def test_tenancy_fixture_builds(tenancy, client_for):
    alpha = tenancy["alpha"]
    response = client_for(tenancy["people"]["owner"], alpha).get("/")
    assert response.status_code == 200
    assert b"Alpha Industries" in response.content
