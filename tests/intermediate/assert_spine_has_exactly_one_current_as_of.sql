-- The current snapshot is always on the spine, and only once: the seed's marts and the scoring
-- snapshot read "the" current row.
select count(*) as current_as_ofs
from {{ ref('int_snapshots_spined') }}
where is_current
having count(*) != 1
