"""Registry service (网格台账): grids, enterprises and sites, people, responsibilities, the map."""
