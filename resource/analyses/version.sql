-- The atlas version a table cites: the code's version and the build's input hash (its file name).
SELECT version || ', build ' || replace(current_database(), 'atlas-', '') AS atlas_version FROM build_info
