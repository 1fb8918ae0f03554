import { PGlite } from '@electric-sql/pglite';
let t=Date.now();
const db = await PGlite.create();
console.log('create', Date.now()-t);
const r = await db.query(`select 1::int8 a, 1.5::numeric b, '2024-01-02'::date c, now() d, point(1,2) p, box(point(0,0),point(1,1)) bx, box(point(0,0),point(1,1)) @> point(0.5,0.5) inside, $1::int[] arr, gen_random_uuid() u`, [[1,2]]);
console.log(r.rows, r.fields);
t=Date.now(); const dump = await db.dumpDataDir('none'); console.log('dump', Date.now()-t, dump.size);
t=Date.now(); const db2 = await PGlite.create({loadDataDir: dump}); console.log('load', Date.now()-t);
const r2 = await db2.query(`select * from json_populate_recordset(null::record, $1) as x(a int, b text)`, [JSON.stringify([{a:1,b:'x'}])]); console.log(r2.rows);
