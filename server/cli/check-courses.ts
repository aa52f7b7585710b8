// `npm run courses:check`: validates every course package without starting anything.
import path from 'node:path';
import { CoursePackageError, readCoursePackages } from '../courses/package-reader.ts';

const root = path.resolve(process.argv[2] ?? 'courses');
try {
  const packages = readCoursePackages(root);
  for (const p of packages)
    console.log(
      `ok  ${p.slug}: ${p.modules.length} modules, ${p.modules.filter((m) => m.quiz).length} quizzes, ${p.modules.filter((m) => m.assignment).length} assignments`,
    );
  console.log(`${packages.length} course package(s) valid.`);
} catch (err) {
  if (err instanceof CoursePackageError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
