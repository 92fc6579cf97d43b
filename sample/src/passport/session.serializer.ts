import { Injectable } from '@nestjs/common';
import { PassportSerializer } from '@nestjs/passport';

/** Keeps only the user's name in the session; `passport.session()` turns it back into `req.user`. */
@Injectable()
export class SessionSerializer extends PassportSerializer {
  serializeUser(user: { name: string }, done: (error: unknown, name?: string) => void): void {
    done(null, user.name);
  }

  deserializeUser(name: string, done: (error: unknown, user?: { name: string }) => void): void {
    done(null, { name });
  }
}
